namespace CityOps.Grains;

/// <summary>
/// Where accepted readings and case changes go for time-series storage (InfluxDB for Grafana).
/// Writes complete once the point is queued by the sink; a full queue makes the caller wait,
/// which is how a slow database slows ingestion instead of growing memory.
/// </summary>
public interface ITelemetrySink
{
    /// <summary>True when points are stored somewhere (false: storage is not configured).</summary>
    bool Enabled { get; }

    ValueTask WriteReadingAsync(Reading reading, string? grid, CancellationToken cancellationToken = default);

    ValueTask WriteCaseAsync(CaseSnapshot snapshot, DateTimeOffset at, CancellationToken cancellationToken = default);
}
