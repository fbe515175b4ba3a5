namespace CityOps.Tests.Telemetry;

/// <summary>
/// Tests that compare <c>cityops_influx_points_written_total</c> (a process-wide counter) with what InfluxDB stored run
/// one at a time: a writer in a parallel test would add to the counter between the readings.
/// </summary>
[CollectionDefinition(Name)]
public sealed class InfluxMetricsCollection
{
    public const string Name = "influx-metrics";
}
