using System.Collections.Immutable;

namespace CityOps.Grains;

/// <summary>
/// One parsed telemetry reading, as it crosses the ingest channel into its device grain.
/// Parsed once at the MQTT edge; never re-parsed.
/// </summary>
[GenerateSerializer, Immutable, Alias("cityops.reading")]
public sealed record Reading(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] string Kind,
    [property: Id(2)] long TimestampMs,
    [property: Id(3)] long? Seq,
    [property: Id(4)] ImmutableArray<Metric> Metrics,
    [property: Id(5)] double? Lat = null,
    [property: Id(6)] double? Lon = null)
{
    public DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeMilliseconds(TimestampMs);

    public bool TryGetMetric(string name, out double value)
    {
        foreach (var m in Metrics)
        {
            if (m.Name == name)
            {
                value = m.Value;
                return true;
            }
        }

        value = 0;
        return false;
    }
}
