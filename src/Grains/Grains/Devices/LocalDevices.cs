using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace CityOps.Grains.Devices;

/// <summary>
/// The device grains active on this silo, by device id: each adds itself when activated and removes itself when
/// deactivated. The ingest dispatcher of this silo judges their readings in their own turn (<see cref="ILocalDevices"/>).
/// </summary>
public sealed class LocalDevices : ILocalDevices
{
    private readonly ConcurrentDictionary<string, DeviceGrain> _active = new(StringComparer.Ordinal);

    public int Count => _active.Count;

    public bool TryIngest(string deviceId, ImmutableArray<Reading> readings, out ValueTask<IngestResult> judged)
    {
        if (_active.TryGetValue(deviceId, out var device))
        {
            return device.TryIngestHere(readings, out judged);
        }

        judged = default;
        return false;
    }

    internal void Add(string deviceId, DeviceGrain device) => _active[deviceId] = device;

    // Only this activation: a new one of the same device may already have added itself.
    internal void Remove(string deviceId, DeviceGrain device) => _active.TryRemove(KeyValuePair.Create(deviceId, device));
}
