using System.Globalization;
using System.Text;
using CityOps.Grains.Cases;
using CityOps.Grains.Storage;

namespace CityOps.Api.Endpoints;

/// <summary>
/// <c>GET /api/v1/cases/stream</c>: every case change as a server-sent event, <c>id</c> = its sequence in the
/// durable event log. A client that reconnects with <c>Last-Event-ID</c> (or <c>?lastEventId=</c>) first gets
/// everything it missed from the log, also across a restart of CityOps; without it, the stream starts now.
/// </summary>
internal static class CaseStream
{
    private const int Batch = 500;
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static async Task Handle(HttpContext context, ICaseStore store, CaseEventHub hub, long? lastEventId)
    {
        var cancel = context.RequestAborted;
        long after;
        if (long.TryParse(context.Request.Headers["Last-Event-ID"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var header))
        {
            after = header;
        }
        else
        {
            after = lastEventId ?? await store.LastSequenceAsync();
        }

        // Subscribe before reading the log, so nothing announced in between is missed (the log is re-read on every signal).
        var signals = hub.SubscribeLog(cancel);
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.WriteAsync("retry: 3000\n\n", cancel);
        await response.Body.FlushAsync(cancel);

        try
        {
            while (!cancel.IsCancellationRequested)
            {
                IReadOnlyList<StoredCaseEvent> events;
                do
                {
                    events = await store.EventsAfterAsync(after, Batch);
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
