using CityOps.Rules.Expressions;
using CityOps.Rules.Faults;
using CityOps.Rules.Schedules;
using CityOps.Rules.Trends;

namespace CityOps.Rules;

/// <summary>One compiled rule from a rule file. Immutable once built; shared by every device of its kind.</summary>
public sealed class Rule
{
    private string? _definition;

    public required string Id { get; init; }

    public required string Kind { get; init; }

    /// <summary>The metric a threshold rule watches; null for offline rules and may be null for condition rules.</summary>
    public string? Metric { get; init; }

    public ThresholdDirection Direction { get; init; }

    /// <summary>The severity ladder, least severe first.</summary>
    public ImmutableArray<Level> Levels { get; init; } = [];

    /// <summary>How long the breach must hold before the alarm is raised; zero raises at once.</summary>
    public TimeSpan For { get; init; }

    public ClearPolicy Clear { get; init; } = ClearPolicy.Immediate;

    /// <summary>Set on offline rules: the silence after which the device counts as offline.</summary>
    public TimeSpan? Offline { get; init; }

    public required CaseTemplate Case { get; init; }

    /// <summary>
    /// <c>maintenance: true</c>: a device-health rule (battery, offline, sensor faults). Its alarms are the device owner's
    /// upkeep, never a 城管 case and out of every KPI.
    /// </summary>
    public bool Maintenance { get; init; }

    /// <summary><c>flapping:</c> of the rule: while flapping, its alarm stays one alarm, files no new case and sends no notification.</summary>
    public FlappingPolicy? Flapping { get; init; }

    /// <summary><c>escalate:</c> steps (after, to, unless: acknowledged), in order; empty when the rule has none. See <see cref="AlarmClock"/>.</summary>
    public ImmutableArray<EscalationStep> Escalate { get; init; } = [];

    /// <summary><c>remind:</c> re-sends the alarm's event this often until it is acknowledged or cleared; null for never.</summary>
    public TimeSpan? Remind { get; init; }

    /// <summary>
    /// <c>inhibits:</c> rule ids whose alarms, on the devices whose <c>parent</c> attribute names a device in alarm of this rule,
    /// are suppressed (root cause: a cabinet without power explains its dark lamps). Empty when none.
    /// </summary>
    public ImmutableArray<string> Inhibits { get; init; } = [];

    /// <summary>True when an alarm at <paramref name="severity"/> files its case at once (the rule's filing policy).</summary>
    public bool FilesAt(Severity severity) => !Maintenance && Case.FilesAt(severity);

    /// <summary>Free text for people reading the rule set; ignored by the engine.</summary>
    public string? Description { get; init; }

    /// <summary>The <c>where:</c> text as written; <see cref="WhereExpression"/> is its compiled form.</summary>
    public string? Where { get; init; }

    public CompiledExpression? WhereExpression { get; init; }

    /// <summary><c>night</c> or <c>day</c> as written; <see cref="Sun"/> is what the evaluator uses.</summary>
    public string? When { get; init; }

    public SunCondition Sun { get; init; }

    /// <summary><c>when: { between, days }</c>: the local time window the rule is judged in; null when none.</summary>
    public TimeWindow? Schedule { get; init; }

    /// <summary><c>stuck:</c> sensor fault on <see cref="Metric"/>; null when the rule has none.</summary>
    public StuckCondition? Stuck { get; init; }

    /// <summary><c>jump:</c> sensor fault on <see cref="Metric"/>; null when the rule has none.</summary>
    public JumpCondition? Jump { get; init; }

    /// <summary><c>range:</c> sensor fault on <see cref="Metric"/> (a value outside the kind's physical range); null when the rule has none.</summary>
    public RangeCondition? Range { get; init; }

    /// <summary><c>predict:</c> trend pre-alert on <see cref="Metric"/>; null when the rule has none.</summary>
    public PredictCondition? Predict { get; init; }

    /// <summary>A sensor-fault rule (<c>stuck:</c>, <c>jump:</c> or <c>range:</c>): while active, the device's other alarms on <see cref="Metric"/> are suppressed.</summary>
    public bool IsFault => Stuck is not null || Jump is not null || Range is not null;

    /// <summary>How much of the metric history the rule reads: its <c>rate()</c> window, or the window of its jump/predict form (stuck keeps a run instead, see <see cref="MetricHistory.TrackSteady"/>).</summary>
    public TimeSpan HistoryWindow
    {
        get
        {
            var window = WhereExpression?.RateWindow ?? TimeSpan.Zero;
            window = Jump is { } jump && jump.Per > window ? jump.Per : window;
            return Predict is { } predict && predict.Over > window ? predict.Over : window;
        }
    }

    /// <summary><c>inside:</c>/<c>outside:</c> as written (<c>zone:muck-routes</c>).</summary>
    public string? Inside { get; init; }

    public string? Outside { get; init; }

    /// <summary>The geofence id of <see cref="Inside"/> or <see cref="Outside"/>; null when the rule has neither.</summary>
    public string? ZoneId { get; init; }

    /// <summary>True for <c>outside:</c>: the rule holds while the device is not in <see cref="ZoneId"/>.</summary>
    public bool ZoneOutside { get; init; }

    /// <summary><c>count: N</c>: N consecutive matching readings raise the alarm (instead of <see cref="For"/>).</summary>
    public int? Count { get; init; }

    /// <summary>The thresholds of <see cref="Levels"/>, in ladder order; empty for rules decided by conditions alone.</summary>
    public ImmutableArray<double> Thresholds { get; init; } = [];

    /// <summary>Slot of <see cref="Metric"/> in <see cref="ReadingContext.Values"/>, or -1.</summary>
    public int MetricSlot { get; init; } = -1;

    /// <summary>Every metric slot a reading must carry to be judged by this rule (the metric and those in <c>where:</c>).</summary>
    public ImmutableArray<int> RequiredSlots { get; init; } = [];

    /// <summary>A canonical one-line description of everything that affects judging and cases; equal definitions judge alike.</summary>
    public string Definition => _definition ??= RuleDefinition.Describe(this);

    public string SourceFile { get; init; } = "";

    /// <summary>1-based line of the rule's first key in <see cref="SourceFile"/>.</summary>
    public int SourceLine { get; init; }

    public int SourceColumn { get; init; }

    public bool IsOffline => Offline is not null;

    /// <summary>True when the rule uses <c>where</c>, <c>when</c>, <c>inside</c>, <c>outside</c> or <c>count</c>.</summary>
    public bool HasConditions => IsConditional || Count is not null;

    /// <summary>True when the rule uses <c>where</c>, <c>when</c>, <c>inside</c>, <c>outside</c>, <c>stuck</c>, <c>jump</c>, <c>range</c> or <c>predict</c>: it needs a whole reading to be judged.</summary>
    public bool IsConditional => Where is not null || When is not null || ZoneId is not null || IsFault || Predict is not null;

    /// <summary>
    /// True for threshold rules without conditions: <see cref="RuleEvaluator.Evaluate(Rule, AlarmState, DateTimeOffset, double, double)"/>
    /// can judge them from the metric's value alone. Every other rule needs the reading overload.
    /// </summary>
    public bool IsEvaluable => Offline is null && Metric is not null && !IsConditional && !Levels.IsDefaultOrEmpty && Levels[0].HasThreshold;

    /// <summary>True when the rule needs the device's position: <c>when:</c>, <c>inside:</c> or <c>outside:</c>.</summary>
    public bool NeedsPosition => Sun != SunCondition.Any || ZoneId is not null;

    public override string ToString() => $"{Id} ({Kind}, {SourceFile}:{SourceLine})";
}
