using System.Collections.Concurrent;
using CityOps.Grains;

namespace CityOps.Ingest.Edge;

/// <summary>
/// The registered kind of a device, as the embedded broker needs it to answer a publish under the wrong kind before
/// the device grain refuses it: asked of the grain once a minute per device at most, so the publish path stays
/// free of per-message grain calls. Unregistered devices are asked again after a few seconds (auto-provisioning
/// registers them with their first reading).
/// </summary>
public sealed class RegisteredKinds(IGrainFactory grains, TimeProvider time)
{
    private const int MaxEntries = 200_000;
    private static readonly TimeSpan Known = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Unknown = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (string? Kind, DateTimeOffset Until)> _kinds = new(StringComparer.Ordinal);

    public async ValueTask<string?> KindOfAsync(string deviceId)
    {
        var now = time.GetUtcNow();
        if (_kinds.TryGetValue(deviceId, out var cached) && cached.Until > now)
        {
            return cached.Kind;
        }

        var kind = (await grains.GetGrain<IDeviceGrain>(deviceId).Get().ConfigureAwait(false))?.Kind;
        if (_kinds.Count >= MaxEntries)
        {
            // A bound, not an LRU: a city larger than this pays one grain call a minute per device more.
            _kinds.Clear();
        }

        _kinds[deviceId] = (kind, now + (kind is null ? Unknown : Known));
        return kind;
    }
}
