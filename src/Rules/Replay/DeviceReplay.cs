using CityOps.Rules.Testing;

namespace CityOps.Rules.Replay;

/// <summary>
/// One device judged offline from the engine, for rule tests and backtests: the same <see cref="DeviceJudge"/> as the
/// device grain, driven entirely by reading time. Offline rules raise at the exact moment the silence reaches the
/// window. Readings must come oldest first.
/// </summary>
public sealed class DeviceReplay
{
    private readonly string _device;
    private readonly DeviceJudge _judge;
    private readonly List<ReplayEvent> _events;
    private DateTimeOffset? _lastSeen;
    private double? _lat;
    private double? _lon;

    /// <param name="problems">Receives problems with the device's threshold attributes (those overrides are ignored).</param>
    public DeviceReplay(
        string device, string kind, RuleSet rules, IZoneLookup zones, IReadOnlyDictionary<string, string> attributes,
        double? lat, double? lon, List<ReplayEvent> events, ICollection<string>? problems = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(attributes);
        _device = device;
        _events = events;
        _judge = new DeviceJudge(rules.Kinds.Get(kind), zones);
        _judge.UseRules(rules);
        _judge.Tune(attributes, problems);
        _judge.MoveTo(lat, lon);
        (_lat, _lon) = (lat, lon);
    }

    /// <summary>Judges one reading (metric names the kind does not know are ignored).</summary>
    public void Feed(DateTimeOffset at, IEnumerable<(string Name, double Value)> metrics, double? lat = null, double? lon = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        CheckOffline(at);
        var rules = _judge.Rules;
        for (var i = 0; i < rules.Length; i++)
        {
            if (_judge.Arrived(i, at, out var change, out var alarm))
            {
                Record(rules[i], change, alarm);
            }
        }

        _lastSeen = at;
        if (lat is not null && lon is not null)
        {
            _judge.MoveTo(lat, lon);
            (_lat, _lon) = (lat, lon);
        }

        _judge.Begin(at);
        foreach (var (name, value) in metrics)
        {
            _judge.Set(name, value);
        }

        _judge.Remember();
        for (var i = 0; i < rules.Length; i++)
        {
            if (_judge.Evaluate(i, out var change, out var alarm, out _))
            {
                Record(rules[i], change, alarm);
            }
        }
    }

    /// <summary>Raises offline alarms whose silence reached the window before <paramref name="before"/>.</summary>
    public void CheckOffline(DateTimeOffset before)
    {
        var rules = _judge.Rules;
        for (var i = 0; i < rules.Length; i++)
        {
            if (_judge.OfflineWindow(rules[i]) is { } window && _lastSeen is { } seen
                && (_judge.AlarmOf(rules[i].Id)?.Phase ?? AlarmPhase.Idle) == AlarmPhase.Idle && seen + window < before
                && _judge.CheckOffline(i, seen, seen + window, out var change, out var alarm))
            {
                Record(rules[i], change, alarm);
            }
        }
    }

    private void Record(Rule rule, AlarmChange change, AlarmState alarm)
    {
        CaseEventKind? kind = change.Kind switch
        {
            AlarmChangeKind.Raised => CaseEventKind.Raised,
            AlarmChangeKind.Escalated => CaseEventKind.Escalated,
            AlarmChangeKind.Cleared => CaseEventKind.Cleared,
            _ => null,
        };
        if (kind is { } k)
        {
            _events.Add(new ReplayEvent(change.At, _device, rule.Id, k, k == CaseEventKind.Cleared ? Severity.None : change.Severity, change.Value, rule.IsOffline ? null : alarm.Peak, _lat, _lon));
        }

        if (change.Kind == AlarmChangeKind.Cleared)
        {
            // As the device grain does: an alarm that ended leaves no state behind.
            _judge.Forget(rule.Id);
        }
    }
}
