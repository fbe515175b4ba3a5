using CityOps.Rules.Testing;

namespace CityOps.Rules.Replay;

/// <summary>
/// One device judged offline from the engine, for rule tests and backtests: the same compiled rules and
/// <see cref="RuleEvaluator"/> as the device grain, driven entirely by reading time. Offline rules raise at the exact
/// moment the silence reaches the window. Readings must come oldest first.
/// </summary>
public sealed class DeviceReplay
{
    private readonly string _device;
    private readonly System.Collections.Immutable.ImmutableArray<Rule> _rules;
    private readonly Dictionary<string, RuleTuning> _tuning = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AlarmState> _alarms = new(StringComparer.Ordinal);
    private readonly ReadingContext _context;
    private readonly List<ReplayEvent> _events;
    private DateTimeOffset? _lastSeen;

    /// <param name="problems">Receives problems with the device's threshold attributes (those overrides are ignored).</param>
    public DeviceReplay(
        string device, string kind, RuleSet rules, IZoneLookup zones, IReadOnlyDictionary<string, string> attributes,
        double? lat, double? lon, List<ReplayEvent> events, ICollection<string>? problems = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(attributes);
        _device = device;
        _events = events;
        _rules = rules.ForKind(kind);
        foreach (var rule in _rules)
        {
            _alarms[rule.Id] = new AlarmState();
            if (DeviceTuning.Resolve(rule, attributes, problems) is { } tuning)
            {
                _tuning[rule.Id] = tuning;
            }
        }

        _context = new ReadingContext(kind)
        {
            Zones = zones,
            Attributes = ReadingContext.NumericAttributes(attributes),
            Latitude = lat ?? double.NaN,
            Longitude = lon ?? double.NaN,
        };
        _context.History.Retention = _rules.Select(r => r.WhereExpression?.RateWindow ?? TimeSpan.Zero).DefaultIfEmpty(TimeSpan.Zero).Max();
    }

    /// <summary>Judges one reading (metric names the kind does not know are ignored).</summary>
    public void Feed(DateTimeOffset at, IEnumerable<(string Name, double Value)> metrics, double? lat = null, double? lon = null)
    {
        CheckOffline(at);
        foreach (var rule in _rules)
        {
            if (rule.IsOffline)
            {
                Record(rule, RuleEvaluator.ReadingArrived(rule, _alarms[rule.Id], at));
            }
        }

        _lastSeen = at;
        if (lat is { } la && lon is { } lo)
        {
            _context.Latitude = la;
            _context.Longitude = lo;
        }

        _context.Begin(at);
        foreach (var (name, value) in metrics)
        {
            _context.Set(name, value);
        }

        _context.History.Add(at, _context.Values);
        foreach (var rule in _rules)
        {
            if (!rule.IsOffline)
            {
                Record(rule, RuleEvaluator.Evaluate(rule, _alarms[rule.Id], _context, _tuning.GetValueOrDefault(rule.Id)));
            }
        }
    }

    /// <summary>Raises offline alarms whose silence reached the window before <paramref name="before"/>.</summary>
    public void CheckOffline(DateTimeOffset before)
    {
        foreach (var rule in _rules)
        {
            var window = _tuning.GetValueOrDefault(rule.Id)?.Offline ?? rule.Offline;
            if (window is { } w && _lastSeen is { } seen && _alarms[rule.Id].Phase == AlarmPhase.Idle && seen + w < before)
            {
                Record(rule, RuleEvaluator.CheckOffline(rule, _alarms[rule.Id], seen, seen + w, w));
            }
        }
    }

    private void Record(Rule rule, AlarmChange change)
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
            var alarm = _alarms[rule.Id];
            _events.Add(new ReplayEvent(change.At, _device, rule.Id, k, k == CaseEventKind.Cleared ? Severity.None : change.Severity, change.Value, rule.IsOffline ? null : alarm.Peak));
        }
    }
}
