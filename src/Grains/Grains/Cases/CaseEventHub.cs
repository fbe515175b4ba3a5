using System.Collections.Concurrent;
using System.Threading.Channels;

namespace CityOps.Grains.Cases;

/// <summary>
/// Fans every case change on this node out to its listeners (console log, later SSE and webhook).
/// Each listener gets its own bounded channel, so a slow listener never slows a case grain: when a
/// listener falls 10,000 events behind, its oldest events are dropped (the store still has every case).
/// </summary>
public sealed class CaseEventHub
{
    private readonly ConcurrentDictionary<Channel<CaseEvent>, bool> _listeners = new();

    public void Publish(CaseEvent caseEvent)
    {
        foreach (var listener in _listeners.Keys)
        {
            listener.Writer.TryWrite(caseEvent);
        }
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
