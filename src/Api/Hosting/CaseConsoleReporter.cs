using System.Globalization;
using CityOps.Grains.RuleSets;

namespace CityOps.Api.Hosting;

/// <summary>
/// Prints one line per case raised or changed, for whoever watches the console, saying what the case is: an incident's
/// (one case for many alarms), a root cause's (its rule suppresses its child devices' alarms), one alarm's, or a person's.
/// </summary>
public sealed partial class CaseConsoleReporter(CaseEventHub events, RuleCatalog rules, ILogger<CaseConsoleReporter> logger) : BackgroundService
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
                var what = What(c, rules.Current);
                LogCase(logger, eventName, c.Id, status, severity, c.Code, c.Title, what, c.DeviceId ?? "-",
                    value, c.Unit ?? "-", c.AlarmActive ? "active" : "clear");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>What the case stands for, in a few words.</summary>
    public static string What(CaseSnapshot c, CityOps.Rules.RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(rules);
        var alarms = c.AlarmIds?.Length ?? 0;
        if (c.IncidentId is { } incident)
        {
            return string.Create(CultureInfo.InvariantCulture, $"incident {incident}: one case for {alarms} alarm{(alarms == 1 ? "" : "s")}");
        }

        if (c.RuleId is null)
        {
            return "reported by a person";
        }

        return rules.Find(c.RuleId) is { Inhibits.IsDefaultOrEmpty: false } rule
            ? $"root cause: {c.RuleId} holds {string.Join(", ", rule.Inhibits)} of its child devices"
            : $"alarm of {c.RuleId}";
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "{Event,-16} {CaseId} [{Status}/{Severity}] {Code} {Title} · {What} · device {DeviceId} value {Value} · unit {Unit} · alarm {Alarm}")]
    private static partial void LogCase(ILogger logger, string @event, string caseId, string status, string severity, string code,
        string title, string what, string deviceId, string value, string unit, string alarm);
}
