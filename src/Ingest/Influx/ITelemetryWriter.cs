namespace CityOps.Ingest.Influx;

/// <summary>
/// Stores line protocol in time-series storage. A write returns once the lines are queued (waiting
/// while memory is full: back-pressure); <see cref="WhenDurable"/> says when everything queued so
/// far is safe, in InfluxDB or in the spill file, which is when MQTT messages may be acknowledged.
/// </summary>
public interface ITelemetryWriter
{
    /// <summary>False when storage is not configured: nothing is written and everything is durable at once.</summary>
    bool Enabled { get; }

    ValueTask WriteAsync(LineChunk lines, CancellationToken cancellationToken = default);

    /// <summary>Completes when every line queued before this call is in InfluxDB or the spill file.</summary>
    Task WhenDurable();
}
