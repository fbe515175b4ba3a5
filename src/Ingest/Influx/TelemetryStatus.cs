namespace CityOps.Ingest.Influx;

/// <summary>How telemetry storage is doing, for the health check.</summary>
public enum TelemetryStatus
{
    /// <summary>InfluxDB takes every batch.</summary>
    Ok,

    /// <summary>InfluxDB is unavailable; points are safe in the spill folder.</summary>
    Spilling,

    /// <summary>InfluxDB is unavailable and the spill folder cannot be written: ingestion waits.</summary>
    SpillFailing,
}
