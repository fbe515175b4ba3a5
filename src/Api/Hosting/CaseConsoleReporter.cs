using System.Globalization;
using CityOps.Grains;
using CityOps.Grains.Cases;

namespace CityOps.Api.Hosting;

/// <summary>Prints one line per case raised or changed, for whoever watches the console.</summary>
public sealed partial class CaseConsoleReporter(CaseEventHub events, ILogger<CaseConsoleReporter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var change in events.Subscribe(stoppingToken).ReadAllAsync(stoppingToken))
            {
                if (!logger.IsEnabled(LogLevel.Information))
                {
                    continue;
                }

                var c = change.Case;
                var value = c.Value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "-";
                var status = WireNames.Of(c.Status);
                var severity = WireNames.Of(c.Severity);
                var eventName = change.Name;
                LogCase(logger, eventName, c.Id, status, severity, c.Code, c.Title, c.DeviceId ?? "-",
                    value, c.Unit ?? "-", c.AlarmActive ? "active" : "clear");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "{Event,-16} {CaseId} [{Status}/{Severity}] {Code} {Title} · device {DeviceId} value {Value} · unit {Unit} · alarm {Alarm}")]
    private static partial void LogCase(ILogger logger, string @event, string caseId, string status, string severity, string code,
        string title, string deviceId, string value, string unit, string alarm);
}
