namespace CityOps.Ingest.Influx;

/// <summary>The writer when InfluxDB is not configured: readings are judged, not stored.</summary>
public sealed class NoTelemetryWriter : ITelemetryWriter
{
    public static readonly NoTelemetryWriter Instance = new();

    public bool Enabled => false;

    public ValueTask WriteAsync(LineChunk lines, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public Task WhenDurable() => Task.CompletedTask;
}
