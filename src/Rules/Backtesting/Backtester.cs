using CityOps.Rules.Replay;
using CityOps.Rules.Testing;

namespace CityOps.Rules.Backtesting;

/// <summary>
/// Replays historical readings through a rule set with <see cref="DeviceReplay"/> (the live evaluator, in reading time)
/// and reports the cases it would have raised, one per alarm as live ingestion files them, and what the alarm desk makes of
/// those alarms (<see cref="DeskReplay"/>): the incidents they form, the alarms root causes and sensor faults suppress, and
/// those the silences given hold. Flapping rules flap as live (<see cref="DeviceReplay"/>): a flapping alarm is one case.
/// </summary>
public static class Backtester
{
    public static BacktestResult Run(
        RuleSet rules, IEnumerable<BacktestReading> readings, BacktestFilter filter, IZoneLookup zones, Func<string, DeviceProfile?> profiles,
        IReadOnlyList<ReplaySilence>? silences = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(profiles);
        var problems = new List<string>();
        var events = new List<ReplayEvent>();
        var holds = new List<ReplayHold>();
        var count = 0;
        var devices = 0;
        var profileOf = new Dictionary<string, DeviceProfile?>(StringComparer.Ordinal);
        foreach (var group in readings.Where(filter.Includes).GroupBy(r => (r.Device, r.Kind)).OrderBy(g => g.Key.Device, StringComparer.Ordinal))
        {
            var (device, kind) = group.Key;
            var profile = profileOf[device] = profiles(device);
            var deviceProblems = new List<string>();
            var replay = new DeviceReplay(device, kind, rules, zones, profile?.Attributes ?? new Dictionary<string, string>(), profile?.Lat, profile?.Lon, events, deviceProblems, holds);
            problems.AddRange(deviceProblems.Select(p => $"{device}: {p}"));
            DateTimeOffset? last = null;
            foreach (var reading in group.OrderBy(r => r.At))
            {
                replay.Feed(reading.At, reading.Metrics, reading.Lat, reading.Lon);
                last = reading.At;
                count++;
            }

            if ((filter.To ?? last) is { } end)
            {
                replay.CheckOffline(end);
            }

            devices++;
        }

        var cases = new List<BacktestCase>();
        foreach (var alarm in events.GroupBy(e => (e.Device, e.Rule)))
        {
            List<ReplayEvent>? open = null;
            foreach (var e in alarm.OrderBy(e => e.At))
            {
                if (e.Event == CaseEventKind.Raised)
                {
                    open = [e];
                }
                else if (open is not null)
                {
                    open.Add(e);
                    if (e.Event == CaseEventKind.Cleared)
                    {
                        cases.Add(Case(rules.Find(e.Rule)!, open, profileOf.GetValueOrDefault(e.Device)));
                        open = null;
                    }
                }
            }

            if (open is not null)
            {
                cases.Add(Case(rules.Find(alarm.Key.Rule)!, open, profileOf.GetValueOrDefault(alarm.Key.Device)));
            }
        }

        var desk = DeskReplay.Run(rules, events, device => profileOf.GetValueOrDefault(device), zones, silences, holds);
        return new BacktestResult(count, devices, [.. cases.OrderBy(c => c.OpenedAt).ThenBy(c => c.Device, StringComparer.Ordinal)], [.. problems])
        {
            Incidents = desk.Incidents,
            Suppressed = desk.Suppressions,
            Silenced = desk.Silenced,
        };
    }

    private static BacktestCase Case(Rule rule, List<ReplayEvent> events, DeviceProfile? profile)
    {
        var raised = events[0];
        var severity = events.Where(e => e.Event != CaseEventKind.Cleared).Max(e => e.Severity);
        var peak = events.LastOrDefault(e => e.Peak is not null)?.Peak;
        string? Resolve(string name) => name switch
        {
            "value" => Format(raised.Value),
            "peak" => Format(peak),
            "severity" => SeverityNames.ToName(severity),
            "device.id" => raised.Device,
            "device.name" => profile?.Name,
            "device.code" => profile?.Code,
            _ when name.StartsWith("device.", StringComparison.Ordinal) => profile?.Attributes.GetValueOrDefault(name["device.".Length..]),
            _ => null,
        };

        var cleared = events[^1].Event == CaseEventKind.Cleared ? events[^1].At : (DateTimeOffset?)null;
        return new BacktestCase(raised.Device, rule.Id, rule.Case.RenderCode(Resolve), rule.Case.RenderTitle(Resolve), severity, raised.At, cleared, peak, [.. events]);
    }

    private static string? Format(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("0.##", CultureInfo.InvariantCulture) : null;
}
