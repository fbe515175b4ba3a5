namespace CityOps.Api.Endpoints;

/// <summary>
/// <c>GET /api/v1/cases/stream</c>: every case change as a server-sent event, <c>id</c> = its sequence in the
/// durable event log. A client that reconnects with <c>Last-Event-ID</c> (or <c>?lastEventId=</c>) first gets
/// everything it missed from the log, also across a restart of CityOps; without it, the stream starts now. An id
/// ahead of the log is answered with a <c>reset</c> event and the whole retained log (see docs).
/// </summary>
internal static class CaseStream
{
    public static Task Handle(HttpContext context, ICaseStore store, CaseEventHub hub, long? lastEventId) =>
        EventLogStream.Handle(context, store.EventsAfterAsync, store.LastSequenceAsync, hub, lastEventId);
}
