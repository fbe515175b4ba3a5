using System.Collections.Concurrent;
using CityOps.Grains;

namespace CityOps.Ingest.Edge;

/// <summary>
/// The registered kind of a device, as the embedded broker needs it to answer a publish under the wrong kind before
/// the device grain refuses it. The dispatcher tells it whenever a device grain accepts readings, which keeps a device
/// that publishes known without any grain call; a device quiet for a minute is asked of its grain again on its next
/// publish. Unregistered devices are asked again after a few seconds (auto-provisioning registers them with their first reading).
/// </summary>
public sealed class RegisteredKinds(IGrainFactory grains, TimeProvider time)
{
    private const int MaxEntries = 200_000;
    private static readonly long KnownMs = (long)TimeSpan.FromMinutes(1).TotalMilliseconds;
    private static readonly long UnknownMs = (long)TimeSpan.FromSeconds(5).TotalMilliseconds;

    private readonly ConcurrentDictionary<string, Entry> _kinds = new(StringComparer.Ordinal);

    public ValueTask<string?> KindOfAsync(string deviceId)
    {
        // Every publish asks: the answer held is returned without an async method's state machine.
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        return _kinds.TryGetValue(deviceId, out var cached) && Volatile.Read(ref cached.UntilMs) > nowMs
            ? ValueTask.FromResult(cached.Kind)
            : AskAsync(deviceId, nowMs);
    }

    private async ValueTask<string?> AskAsync(string deviceId, long nowMs)
    {
        var kind = (await grains.Device(deviceId).Get().ConfigureAwait(false))?.Kind;
        if (_kinds.Count >= MaxEntries)
        {
            // A bound, not an LRU: a city larger than this pays one grain call a minute per device more.
            _kinds.Clear();
        }

        _kinds[deviceId] = new Entry(kind, nowMs + (kind is null ? UnknownMs : KnownMs));
        return kind;
    }

    /// <summary>
    /// The device's grain accepted a reading of <paramref name="kind"/>, so that is its registered kind now: a known entry
    /// of that kind holds another minute. Devices not asked about (or registered otherwise since) are left to <see cref="KindOfAsync"/>.
    /// </summary>
    public void Accepted(string deviceId, string kind)
    {
        if (_kinds.TryGetValue(deviceId, out var cached) && cached.Kind == kind)
        {
            Volatile.Write(ref cached.UntilMs, time.GetUtcNow().ToUnixTimeMilliseconds() + KnownMs);
        }
    }

    // A class, so the dispatcher extends an entry in place instead of allocating one per reading.
    private sealed class Entry(string? kind, long untilMs)
    {
        public readonly string? Kind = kind;
        public long UntilMs = untilMs;
    }
}
