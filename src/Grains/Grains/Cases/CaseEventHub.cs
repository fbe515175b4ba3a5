using System.Collections.Concurrent;
using System.Threading.Channels;

namespace CityOps.Grains.Cases;

/// <summary>
/// Fans every case change on this node out to its listeners (console log, later SSE and webhook).
/// Each listener gets its own bounded channel, so a slow listener never slows a case grain: when a
/// listener falls 10,000 events behind, its oldest events are dropped (the store still has every case).
/// Readers of the durable event log (SSE, webhook) subscribe to <see cref="SubscribeLog"/> instead: a signal that
/// the log may have grown, from a change on this node or, in a cluster, from any node (<see cref="NotifyLogGrew"/>).
/// </summary>
public sealed class CaseEventHub
{
    private readonly ConcurrentDictionary<Channel<CaseEvent>, bool> _listeners = new();
    private readonly ConcurrentDictionary<Channel<bool>, bool> _logListeners = new();

    public void Publish(CaseEvent caseEvent)
    {
        foreach (var listener in _listeners.Keys)
        {
            listener.Writer.TryWrite(caseEvent);
        }

        NotifyLogGrew();
    }

    /// <summary>Wakes the readers of the event log (another node logged a change).</summary>
    public void NotifyLogGrew()
    {
        foreach (var listener in _logListeners.Keys)
        {
            listener.Writer.TryWrite(true);
        }
    }

    /// <summary>A signal (coalesced) whenever the durable event log may have grown; read the log on each.</summary>
    public ChannelReader<bool> SubscribeLog(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        _logListeners[channel] = true;
        cancellationToken.Register(() =>
        {
            _logListeners.TryRemove(channel, out _);
            channel.Writer.TryComplete();
        });
        return channel.Reader;
    }

    public ChannelReader<CaseEvent> Subscribe(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<CaseEvent>(new BoundedChannelOptions(10_000)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        _listeners[channel] = true;
        cancellationToken.Register(() =>
        {
            _listeners.TryRemove(channel, out _);
            channel.Writer.TryComplete();
        });
        return channel.Reader;
    }
}
