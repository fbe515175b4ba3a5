using Prometheus;

namespace CityOps.Ingest.Influx;

/// <summary>Prometheus metrics of the InfluxDB writer.</summary>
public static class InfluxMetrics
{
    public static readonly Counter PointsWritten = Metrics.CreateCounter(
        "cityops_influx_points_written_total", "Points InfluxDB accepted.");

    public static readonly Counter PointsDropped = Metrics.CreateCounter(
        "cityops_influx_points_dropped_total", "Points InfluxDB refused as bad (4xx, found line by line) and dropped.");

    public static readonly Counter WriteFailures = Metrics.CreateCounter(
        "cityops_influx_write_failures_total", "Write requests that failed (InfluxDB down, slow, or answering 5xx).");

    public static readonly Counter Requests = Metrics.CreateCounter(
        "cityops_influx_requests_total", "Write requests sent to InfluxDB.");

    public static readonly Gauge Pending = Metrics.CreateGauge(
        "cityops_influx_pending_points", "Points waiting in memory for InfluxDB.");

    public static readonly Gauge Spilled = Metrics.CreateGauge(
        "cityops_influx_spilled_points", "Points waiting in the spill folder for InfluxDB to come back.");

    public static readonly Counter PointsSpilled = Metrics.CreateCounter(
        "cityops_influx_points_spilled_total", "Points written to the spill folder while InfluxDB was unavailable.");

    public static readonly Gauge Available = Metrics.CreateGauge(
        "cityops_influx_up", "1 while InfluxDB accepts writes, 0 while points are spilled.");
}
