namespace CityOps.Ingest.Edge;

/// <summary>
/// Counts what the embedded broker retains (<c>MaxRetainedMessages</c>, <c>MaxRetainedBytes</c>): MQTTnet keeps every
/// retained message in memory with no limit, so thirty 10 MiB retained publishes used to cost 300 MB for good.
/// An empty retained payload deletes the topic's message and always passes.
/// </summary>
public sealed class RetainedQuota(int maxMessages, long maxBytes)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _sizes = new(StringComparer.Ordinal);
    private long _bytes;

    /// <summary>True when the message may be retained (and is now counted); false when it would go over a limit.</summary>
    public bool TryRetain(string topic, long payloadBytes)
    {
        lock (_lock)
        {
            var had = _sizes.TryGetValue(topic, out var previous);
            if (payloadBytes == 0)
            {
                if (had)
                {
                    _sizes.Remove(topic);
                    _bytes -= previous;
                }

                return true;
            }

            var count = _sizes.Count + (had ? 0 : 1);
            var bytes = _bytes - previous + payloadBytes;
            if (count > maxMessages || bytes > maxBytes)
            {
                return false;
            }

            _sizes[topic] = payloadBytes;
            _bytes = bytes;
            return true;
        }
    }
}
