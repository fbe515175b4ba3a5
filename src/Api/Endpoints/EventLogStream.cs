using System.Globalization;
using System.Text;

namespace CityOps.Api.Endpoints;

/// <summary>
/// A durable event log (cases, alarms) as server-sent events, <c>id</c> = the event's sequence in the log. A client that
/// reconnects with <c>Last-Event-ID</c> (or <c>?lastEventId=</c>) first gets everything it missed from the log, also
/// across a restart of CityOps; without it, the stream starts now. An id ahead of the log is answered with a
/// <c>reset</c> event and the whole retained log (docs/dispatch.md).
/// </summary>
internal static class EventLogStream
{
    private const int Batch = 500;
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static async Task Handle(HttpContext context, Func<long, int, Task<IReadOnlyList<StoredCaseEvent>>> eventsAfter, Func<Task<long>> lastSequence, CaseEventHub hub, long? lastEventId)
    {
        var cancel = context.RequestAborted;
        long? resume = long.TryParse(context.Request.Headers["Last-Event-ID"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var header)
            ? header
            : lastEventId;
        var last = await lastSequence();
        var after = resume ?? last;
        string? reset = null;
        if (resume > last)
        {
            // An id the log has not reached belongs to another numbering (a restored or replaced database): waiting for
            // it would keep the client silent until the log catches up. Treated as a restart instead: a `reset` event,
            // then everything the log still holds, so the client can drop what it had and rebuild from what follows.
            reset = $"{{\"lastEventId\":{resume.Value.ToString(CultureInfo.InvariantCulture)},\"logSequence\":{last.ToString(CultureInfo.InvariantCulture)},\"reason\":\"Last-Event-ID is ahead of the event log; replaying the log from its start\"}}";
            after = 0;
        }

        // Subscribe before reading the log, so nothing announced in between is missed (the log is re-read on every signal).
        var signals = hub.SubscribeLog(cancel);
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.WriteAsync("retry: 3000\n\n" + (reset is null ? "" : $"event: reset\ndata: {reset}\n\n"), cancel);
        await response.Body.FlushAsync(cancel);

        try
        {
            while (!cancel.IsCancellationRequested)
            {
                IReadOnlyList<StoredCaseEvent> events;
                do
                {
                    events = await eventsAfter(after, Batch);
                    if (events.Count > 0)
                    {
                        var text = new StringBuilder();
                        foreach (var e in events)
                        {
                            text.Append("id: ").Append(e.Sequence.ToString(CultureInfo.InvariantCulture)).Append('\n')
                                .Append("event: ").Append(e.Event).Append('\n')
                                .Append("data: ").Append(e.Body).Append("\n\n");
                            after = e.Sequence;
                        }

                        await response.WriteAsync(text.ToString(), cancel);
                        await response.Body.FlushAsync(cancel);
                    }
                }
                while (events.Count == Batch);

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                wait.CancelAfter(Heartbeat);
                try
                {
                    await signals.WaitToReadAsync(wait.Token);
                    while (signals.TryRead(out _))
                    {
                    }
                }
                catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", cancel);
                    await response.Body.FlushAsync(cancel);
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }
    }
}
