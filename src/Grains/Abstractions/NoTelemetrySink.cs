namespace CityOps.Grains;

/// <summary>The sink when no time-series storage is configured: readings are judged, not stored.</summary>
public sealed class NoTelemetrySink : ITelemetrySink
{
    public static readonly NoTelemetrySink Instance = new();

    public bool Enabled => false;

    public ValueTask WriteReadingAsync(Reading reading, string? grid, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask WriteCaseAsync(CaseSnapshot snapshot, DateTimeOffset at, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
