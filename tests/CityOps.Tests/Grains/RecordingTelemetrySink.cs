using System.Collections.Concurrent;
using CityOps.Grains;

namespace CityOps.Tests.Grains;

/// <summary>Captures what device grains hand to time-series storage, so tests can check it.</summary>
public sealed class RecordingTelemetrySink : ITelemetrySink
{
    public ConcurrentQueue<(Reading Reading, string? Grid)> Readings { get; } = new();

    public bool Enabled => true;

    public ValueTask WriteReadingAsync(Reading reading, string? grid, CancellationToken cancellationToken = default)
    {
        Readings.Enqueue((reading, grid));
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteCaseAsync(CaseSnapshot snapshot, DateTimeOffset at, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
