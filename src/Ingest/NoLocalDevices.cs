using System.Collections.Immutable;
using CityOps.Grains;

namespace CityOps.Ingest;

/// <summary>Where no silo runs in this process: every device is sent a grain call.</summary>
public sealed class NoLocalDevices : ILocalDevices
{
    public static readonly NoLocalDevices Instance = new();

    private NoLocalDevices()
    {
    }

    public bool TryIngest(string deviceId, ImmutableArray<Reading> readings, out ValueTask<IngestResult> judged)
    {
        judged = default;
        return false;
    }
}
