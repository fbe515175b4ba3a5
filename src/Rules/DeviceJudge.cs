namespace CityOps.Rules;

/// <summary>
/// Judges one device's readings by the compiled rules of its kind: the reading context (position, numeric attributes,
/// the zones in force), the metric history that <c>rate()</c> needs, the device's own tuning, a reading's arrival for
/// offline rules, and the evaluation of every rule. The live device grain and the backtest/rule-test replay
/// (<see cref="Replay.DeviceReplay"/>) both judge through it, so a backtest judges exactly like live; they differ only
/// in where time comes from and in what they do with a change (file a case, or record it).
/// Pure and single-threaded: no I/O, no clock, one instance per device, and nothing allocated per reading.
/// </summary>
public sealed class DeviceJudge
{
    // The alarm state of rules that are not idle on this device (none: null); an idle rule judges on a spare (AlarmFor).
    private Dictionary<string, AlarmState>? _alarms;

    [ThreadStatic]
    private static AlarmState? t_spare;

    private Dictionary<string, RuleTuning>? _tuning; // only for devices with threshold.* attributes
    private readonly ReadingContext _context;

    public DeviceJudge(DeviceKind kind, IZoneLookup zones)
    {
        _context = new ReadingContext(kind) { Zones = zones };
    }

    /// <summary>
    /// A judge for <paramref name="kind"/>. It takes over the alarms of <paramref name="previous"/> (the judge of a device
    /// whose kind changed), so that the rule revision that follows can end them on their cases.
    /// </summary>
    public static DeviceJudge ForKind(DeviceKind kind, IZoneLookup zones, DeviceJudge? previous = null)
    {
        var judge = new DeviceJudge(kind, zones);
        foreach (var (ruleId, alarm) in previous?.Alarms ?? ImmutableDictionary<string, AlarmState>.Empty)
        {
            judge.Restore(ruleId, alarm);
        }

        return judge;
    }

    public string Kind => _context.Kind;

    /// <summary>The rules of the device's kind in the rule set last given to <see cref="UseRules"/>.</summary>
    public ImmutableArray<Rule> Rules { get; private set; } = [];

    /// <summary>The rule set in force; null until <see cref="UseRules"/>.</summary>
    public RuleSet? RuleSet { get; private set; }

    /// <summary>The alarm state of every rule that is not idle, by rule id.</summary>
    public IReadOnlyDictionary<string, AlarmState> Alarms => _alarms ?? (IReadOnlyDictionary<string, AlarmState>)ImmutableDictionary<string, AlarmState>.Empty;

    /// <summary>Takes the rules of the device's kind from <paramref name="ruleSet"/>; history is kept as long as their longest window (<c>rate()</c>, stuck, jump, predict).</summary>
    public void UseRules(RuleSet ruleSet)
    {
        ArgumentNullException.ThrowIfNull(ruleSet);
        RuleSet = ruleSet;
        Rules = ruleSet.ForKind(Kind);
        _context.History.Retention = Rules.Select(r => r.HistoryWindow).DefaultIfEmpty(TimeSpan.Zero).Max();
        _context.History.TrackSteady(Rules.Where(r => r.Stuck is not null).Select(r => (r.MetricSlot, r.Stuck!.Tolerance)));
    }

    /// <summary>
    /// Takes the device's attributes: numbers for <c>device.*</c> in expressions, and its <c>threshold.*</c> overrides of
    /// the current rules (<see cref="DeviceTuning"/>); an invalid override is ignored and described in <paramref name="problems"/>.
    /// </summary>
    public void Tune(IReadOnlyDictionary<string, string> attributes, ICollection<string>? problems = null)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        _tuning = null;
        _context.Attributes = ReadingContext.NumericAttributes(attributes);
        if (!attributes.Keys.Any(k => k.StartsWith(DeviceTuning.Prefix, StringComparison.Ordinal)))
        {
            return;
        }

        foreach (var rule in Rules)
        {
            if (DeviceTuning.Resolve(rule, attributes, problems) is { } tuning)
            {
                (_tuning ??= new(StringComparer.Ordinal))[rule.Id] = tuning;
            }
        }
    }

    /// <summary>The device's position for the readings to come (NaN when unknown): zone and sun conditions use it.</summary>
    public void MoveTo(double? lat, double? lon)
    {
        _context.Latitude = lat ?? double.NaN;
        _context.Longitude = lon ?? double.NaN;
    }

    /// <summary>Starts judging a reading taken at <paramref name="at"/>: every metric absent until <see cref="Set"/>.</summary>
    public void Begin(DateTimeOffset at) => _context.Begin(at);

    /// <summary>One metric of the reading begun; names the kind does not know are ignored.</summary>
    public void Set(string metric, double value) => _context.Set(metric, value);

    /// <summary>Ends the reading's metrics: it joins the history that <c>rate()</c> reads. Then <see cref="Evaluate"/> each rule.</summary>
    public void Remember() => _context.History.Add(_context.At, _context.Values);

    /// <summary>
    /// Whether a reading stamped <paramref name="timestampMs"/> (with <paramref name="seq"/>) is judged after the newest
    /// one judged (<paramref name="lastMs"/>, <paramref name="lastSeq"/>). Newer is judged; older is late; as new is judged
    /// unless it repeats the last one's <c>seq</c> (readings without <c>seq</c>, e.g. a gateway batch stamped on receipt,
    /// are never taken for redeliveries of each other). A reading more than <paramref name="tolerance"/> ahead of
    /// <paramref name="nowMs"/> is not judged at all: judged, its stamp would become the mark every later reading must
    /// pass, and the device's true readings would go unjudged until that time came.
    /// </summary>
    public static ReadingOrder Order(long timestampMs, long? seq, long lastMs, long? lastSeq, long nowMs, TimeSpan tolerance)
    {
        if (timestampMs - nowMs > (long)tolerance.TotalMilliseconds)
        {
            return ReadingOrder.Ahead;
        }

        if (timestampMs != lastMs)
        {
            return timestampMs > lastMs ? ReadingOrder.Next : ReadingOrder.Late;
        }

        return seq is not null && seq == lastSeq ? ReadingOrder.Redelivered : ReadingOrder.Next;
    }

    /// <summary>
    /// A reading arrived: an offline alarm of rule <paramref name="index"/> clears. False when nothing is to be done
    /// (not an offline rule, or no alarm).
    /// </summary>
    public bool Arrived(int index, DateTimeOffset at, out AlarmChange change, out AlarmState alarm)
    {
        var rule = Rules[index];
        change = default;
        if (!rule.IsOffline || AlarmOf(rule.Id) is not { } state)
        {
            alarm = null!;
            return false;
        }

        alarm = state;
        change = RuleEvaluator.ReadingArrived(rule, state, at);
        return true;
    }

    /// <summary>
    /// Judges the reading begun against rule <paramref name="index"/>. False when the rule stayed idle (nothing to act
    /// on, no state kept); <paramref name="phaseChanged"/> tells whether the alarm's phase moved (state worth persisting).
    /// </summary>
    public bool Evaluate(int index, out AlarmChange change, out AlarmState alarm, out bool phaseChanged)
    {
        var rule = Rules[index];
        change = default;
        phaseChanged = false;
        alarm = null!;
        if (rule.IsOffline)
        {
            return false;
        }

        var state = AlarmFor(rule, out var spare);
        var phase = state.Phase;
        change = RuleEvaluator.Evaluate(rule, state, _context, TuningOf(rule.Id));
        if (spare && !Adopt(rule, state))
        {
            return false;
        }

        alarm = state;
        phaseChanged = state.Phase != phase;
        return true;
    }

    /// <summary>
    /// Judges offline rule <paramref name="index"/> at <paramref name="now"/>, the device last heard at <paramref name="lastSeen"/>
    /// (the device's own offline window applies). False when nothing happened.
    /// </summary>
    public bool CheckOffline(int index, DateTimeOffset? lastSeen, DateTimeOffset now, out AlarmChange change, out AlarmState alarm)
    {
        var rule = Rules[index];
        change = default;
        alarm = null!;
        if (!rule.IsOffline)
        {
            return false;
        }

        var state = AlarmFor(rule, out var spare);
        change = RuleEvaluator.CheckOffline(rule, state, lastSeen, now, TuningOf(rule.Id)?.Offline);
        if (spare && !Adopt(rule, state))
        {
            return false;
        }

        alarm = state;
        return true;
    }

    /// <summary>When, heard last at <paramref name="seen"/>, the first offline rule without an active alarm would raise; null: none.</summary>
    public DateTimeOffset? OfflineDue(DateTimeOffset seen)
    {
        DateTimeOffset? due = null;
        foreach (var rule in Rules)
        {
            if (rule.IsOffline && AlarmOf(rule.Id)?.IsActive != true && seen + OfflineWindow(rule)!.Value is var at && (due is null || at < due))
            {
                due = at;
            }
        }

        return due;
    }

    /// <summary>
    /// How long the device counts as online after a reading: its shortest offline window, else its kind's offline window,
    /// else <paramref name="otherwise"/>.
    /// </summary>
    public TimeSpan OnlineWindow(TimeSpan otherwise)
    {
        // A loop, not LINQ: the device grain asks after every batch of readings.
        TimeSpan? shortest = null;
        foreach (var rule in Rules)
        {
            if (OfflineWindow(rule) is { } window && (shortest is null || window < shortest))
            {
                shortest = window;
            }
        }

        return shortest ?? _context.DeviceKind.OfflineAfter ?? otherwise;
    }

    /// <summary>The silence after which offline rule <paramref name="rule"/> raises on this device; null for other rules.</summary>
    public TimeSpan? OfflineWindow(Rule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule.IsOffline ? TuningOf(rule.Id)?.Offline ?? rule.Offline : null;
    }

    /// <summary>
    /// After <see cref="UseRules"/> took a new version: what becomes of the alarm of <paramref name="ruleId"/>, judged by
    /// the rule definition <paramref name="judgedBy"/>. It ends (the note to give its case is returned) when its rule was
    /// removed, or changed so that the last reading (<paramref name="lastAt"/>, values <paramref name="last"/>) no longer
    /// raises it; a pending alarm of a changed rule starts over. Null keeps it; <paramref name="changed"/> tells whether
    /// its state changed (to persist).
    /// </summary>
    public string? Revise(string ruleId, string? judgedBy, DateTimeOffset? lastAt, IEnumerable<KeyValuePair<string, double>> last, out bool changed)
    {
        changed = false;
        var current = RuleSet ?? throw new InvalidOperationException("No rules yet.");
        if (current.Find(ruleId) is not { } rule || rule.Kind != Kind)
        {
            return $"rule {ruleId} removed in rule set version {current.Version}";
        }

        if (judgedBy is null || judgedBy == rule.Definition || AlarmOf(ruleId) is not { } alarm)
        {
            return null;
        }

        changed = true;
        if (!alarm.IsActive)
        {
            alarm.Reset();
            return null;
        }

        return rule.IsOffline || lastAt is not { } at || StillHolds(rule, at, last)
            ? null
            : $"rule {ruleId} changed in rule set version {current.Version}; the last reading no longer raises it";
    }

    /// <summary>
    /// Whether <paramref name="rule"/> (changed since the alarm was raised) still raises on the last known values, judged
    /// on a scratch state so the alarm itself is untouched.
    /// </summary>
    public bool StillHolds(Rule rule, DateTimeOffset at, IEnumerable<KeyValuePair<string, double>> last)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(last);
        _context.Begin(at);
        foreach (var (name, value) in last)
        {
            _context.Set(name, value);
        }

        var probe = new AlarmState();
        var change = RuleEvaluator.Evaluate(rule, probe, _context, TuningOf(rule.Id));
        return change.Kind == AlarmChangeKind.None ? probe.LastEvaluated is null : probe.CurrentLevel != Severity.None;
    }

    public AlarmState? AlarmOf(string ruleId) => _alarms?.GetValueOrDefault(ruleId);

    /// <summary>Puts back an alarm state kept across restarts.</summary>
    public void Restore(string ruleId, AlarmState alarm) => (_alarms ??= new(StringComparer.Ordinal))[ruleId] = alarm;

    /// <summary>Drops the state of a rule: it is idle again (or gone).</summary>
    public void Forget(string ruleId) => _alarms?.Remove(ruleId);

    private RuleTuning? TuningOf(string ruleId) => _tuning?.GetValueOrDefault(ruleId);

    // Most rules on most devices are idle, so an idle rule keeps no state of its own: it is judged on a spare (one
    // per thread, reset), which becomes the rule's own state (Adopt) only when a reading moves it out of idle. A
    // million devices then hold alarm state only for what is happening. Callers never await between the two.
    private AlarmState AlarmFor(Rule rule, out bool spare)
    {
        var alarm = AlarmOf(rule.Id);
        spare = alarm is null;
        if (alarm is null)
        {
            alarm = t_spare ??= new AlarmState();
            alarm.Reset();
        }

        return alarm;
    }

    // True when the spare left idle and is now the rule's state; false when nothing happened to it.
    private bool Adopt(Rule rule, AlarmState alarm)
    {
        if (alarm.Phase == AlarmPhase.Idle && alarm.Matches == 0)
        {
            return false;
        }

        Restore(rule.Id, alarm);
        t_spare = null;
        return true;
    }
}
