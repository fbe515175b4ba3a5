using CityOps.Rules.Testing;

namespace CityOps.Rules.Replay;

/// <summary>
/// One device judged offline from the engine, for rule tests and backtests: the same <see cref="DeviceJudge"/> as the
/// device grain, driven entirely by reading time. Offline rules raise at the exact moment the silence reaches the
/// window. Readings must come oldest first. Rules with <c>flapping:</c> flap as on the device grain, counted by the same
/// <see cref="FlappingPolicy"/>: while flapping, a clear holds the alarm (no <c>cleared</c>) and the next raise brings it back
/// (no <c>raised</c>); after a quiet window it stops at that exact moment (a held alarm clears then, an active one is
/// <c>quiet</c>).
/// </summary>
public sealed class DeviceReplay
{
    private readonly string _device;
    private readonly DeviceJudge _judge;
    private readonly List<ReplayEvent> _events;
    private readonly Dictionary<string, Flap> _flaps = new(StringComparer.Ordinal);
    private readonly List<ReplayHold>? _holds;
    private readonly Dictionary<string, int> _openHolds = new(StringComparer.Ordinal);
    private DateTimeOffset? _lastSeen;
    private double? _lat;
    private double? _lon;

    /// <param name="problems">Receives problems with the device's threshold attributes (those overrides are ignored).</param>
    /// <param name="holds">Receives the spans an active alarm's value was back to normal, within its <c>clear:</c> hold.</param>
    public DeviceReplay(
        string device, string kind, RuleSet rules, IZoneLookup zones, IReadOnlyDictionary<string, string> attributes,
        double? lat, double? lon, List<ReplayEvent> events, ICollection<string>? problems = null, List<ReplayHold>? holds = null)
    {
        _holds = holds;
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
        EndQuietFlapping(at);
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
        EndQuietFlapping(before);
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
        if (kind is { } k && Flapped(rule, k, change, alarm) is { } shown)
        {
            Add(change.At, rule, shown, shown == CaseEventKind.Cleared ? Severity.None : change.Severity, change.Value, rule.IsOffline ? null : alarm.Peak);
        }

        NoteHold(rule, change, alarm);
        if (change.Kind == AlarmChangeKind.Cleared)
        {
            // As the device grain does: an alarm that ended (or is held while it flaps) leaves no state behind.
            _judge.Forget(rule.Id);
        }
    }

    // An active alarm back to normal (clearing, within its clear: hold) opens a hold; breaching again closes it then, a clear
    // leaves it open (the alarm ended without a breach).
    private void NoteHold(Rule rule, AlarmChange change, AlarmState alarm)
    {
        if (_holds is null)
        {
            return;
        }

        if (change.Kind == AlarmChangeKind.Cleared)
        {
            _openHolds.Remove(rule.Id);
        }
        else if (alarm.Phase == AlarmPhase.Clearing && !_openHolds.ContainsKey(rule.Id))
        {
            _openHolds[rule.Id] = _holds.Count;
            _holds.Add(new ReplayHold(_device, rule.Id, change.At, null));
        }
        else if (alarm.Phase == AlarmPhase.Active && _openHolds.Remove(rule.Id, out var open))
        {
            _holds[open] = _holds[open] with { BreachedAt = change.At };
        }
    }

    // A raise or clear of a rule with flapping:, counted as the device grain counts it (FlappingPolicy.Note): what shows of it.
    // Null: nothing (a held alarm coming back, or a clear held while flapping).
    private CaseEventKind? Flapped(Rule rule, CaseEventKind kind, AlarmChange change, AlarmState alarm)
    {
        if (rule.Flapping is not { } policy || kind == CaseEventKind.Escalated)
        {
            return kind;
        }

        if (!_flaps.TryGetValue(rule.Id, out var flap))
        {
            _flaps[rule.Id] = flap = new Flap();
        }

        var wasMarked = flap.Marked;
        flap.Flapping = policy.Note(flap.Changes, change.At) || flap.Flapping;
        if (kind == CaseEventKind.Raised)
        {
            if (flap.Flapping && flap.Held is not null)
            {
                flap.Held = null; // the same alarm comes back: no new alarm, no event
                return null;
            }

            flap.Marked = flap.Flapping;
            if (flap.Flapping)
            {
                Add(change.At, rule, CaseEventKind.Raised, change.Severity, change.Value, rule.IsOffline ? null : alarm.Peak, flapping: true);
                Add(change.At, rule, CaseEventKind.Flapping, change.Severity, change.Value, null, flapping: true);
                return null;
            }

            return kind;
        }

        if (!flap.Flapping)
        {
            return kind;
        }

        // Cleared while flapping: held, not cleared; starting to flap is told once.
        flap.Held = alarm.Severity;
        flap.Marked = true;
        if (!wasMarked)
        {
            Add(change.At, rule, CaseEventKind.Flapping, alarm.Severity, change.Value, null, flapping: true);
        }

        return null;
    }

    // Flapping alarms quiet for their rule's window by `now` stop flapping at that moment: a held alarm clears, an active one
    // is quiet (live: judged again under its filing policy).
    private void EndQuietFlapping(DateTimeOffset now)
    {
        foreach (var (ruleId, flap) in _flaps.ToList())
        {
            if (_judge.Rules.FirstOrDefault(r => r.Id == ruleId) is not { Flapping: { } policy } rule || policy.QuietAt(flap.Changes) is var quietAt && quietAt > now)
            {
                continue;
            }

            _flaps.Remove(ruleId);
            if (flap.Held is not null)
            {
                Add(quietAt, rule, CaseEventKind.Cleared, Severity.None, double.NaN, null);
            }
            else if (flap.Marked && _judge.AlarmOf(ruleId)?.IsActive == true)
            {
                Add(quietAt, rule, CaseEventKind.Quiet, _judge.AlarmOf(ruleId)!.Severity, double.NaN, null);
            }
        }
    }

    private void Add(DateTimeOffset at, Rule rule, CaseEventKind kind, Severity severity, double value, double? peak, bool flapping = false) =>
        _events.Add(new ReplayEvent(at, _device, rule.Id, kind, severity, value, peak, _lat, _lon, flapping));

    // The flapping watch of one rule (the device grain's FlapState): recent raises and clears, whether it flaps, whether the
    // alarm is marked flapping, and the severity of the alarm held while it flaps and is clear.
    private sealed class Flap
    {
        public List<DateTimeOffset> Changes { get; } = [];

        public bool Flapping { get; set; }

        public bool Marked { get; set; }

        public Severity? Held { get; set; }
    }
}
