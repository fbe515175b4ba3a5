using CityOps.Ingest.Influx;

namespace CityOps.Api.Hosting;

/// <summary>Writes one point to the <c>cases</c> measurement per case change on this node.</summary>
public sealed class CaseTelemetryWriter(CaseEventHub events, ITelemetryWriter telemetry) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!telemetry.Enabled)
        {
            return;
        }

        var lines = new LineBuilder();
        var changes = events.Subscribe(stoppingToken);
        try
        {
            while (await changes.WaitToReadAsync(stoppingToken))
            {
                while (changes.TryRead(out var change))
                {
                    TelemetryLines.AppendCase(lines, change.Name, change.Case, change.Sequence);
                }

                await telemetry.WriteAsync(lines.Take(), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
