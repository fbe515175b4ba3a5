using System.Collections.Immutable;

namespace CityOps.Grains;

/// <summary>
/// The device grains active in this process, which the ingest dispatcher hands readings to without an Orleans message:
/// the readings are judged in the device's own turn, as <see cref="IDeviceGrain.Ingest"/> would judge them, and the
/// grain still runs one turn at a time. A device active elsewhere in the cluster (or busy now) is sent a grain call.
/// </summary>
public interface ILocalDevices
{
    /// <summary>
    /// Starts judging <paramref name="readings"/> when <paramref name="deviceId"/>'s grain is active here, registered and
    /// between turns; false otherwise (nothing was done: send <see cref="IDeviceGrain.Ingest"/>).
    /// </summary>
    bool TryIngest(string deviceId, ImmutableArray<Reading> readings, out ValueTask<IngestResult> judged);
}
