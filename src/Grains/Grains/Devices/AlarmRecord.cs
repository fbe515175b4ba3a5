using CityOps.Rules;

namespace CityOps.Grains.Devices;

/// <summary>
/// The persisted form of one rule's alarm state on one device, the alarm desk's record of it (id, acknowledgement,
/// disposition, history; see <see cref="Alarms.AlarmDesk"/>) and the case it raised.
/// </summary>
[GenerateSerializer, Alias("cityops.alarm-record")]
public sealed class AlarmRecord
{
    [Id(0)] public AlarmPhase Phase { get; set; }
    [Id(1)] public DateTimeOffset? PendingSince { get; set; }
    [Id(2)] public DateTimeOffset? ActiveSince { get; set; }
    [Id(3)] public DateTimeOffset? ClearingSince { get; set; }
    [Id(4)] public Severity Severity { get; set; }
    [Id(5)] public Severity CurrentLevel { get; set; }
    [Id(6)] public double? Peak { get; set; }
    [Id(7)] public double? LastValue { get; set; }
    [Id(8)] public DateTimeOffset? LastEvaluated { get; set; }
    [Id(9)] public string? CaseId { get; set; }

    /// <summary>False between persisting a new alarm and the case grain confirming the filing.</summary>
    [Id(10)] public bool CaseFiled { get; set; }

    [Id(11)] public int Matches { get; set; }

    /// <summary>The <see cref="Rule.Definition"/> the alarm was judged by, to notice a rule changed while the grain slept.</summary>
    [Id(12)] public string? RuleDefinition { get; set; }

    /// <summary>The alarm's id in the alarm store; null for a pending breach not yet raised.</summary>
    [Id(13)] public string? AlarmId { get; set; }
    [Id(14)] public DateTimeOffset? RaisedAt { get; set; }
    [Id(15)] public AlarmDisposition Disposition { get; set; }
    [Id(16)] public DateTimeOffset? AcknowledgedAt { get; set; }
    [Id(17)] public string? AcknowledgedBy { get; set; }
    [Id(18)] public List<HistoryEntry> History { get; set; } = [];

    /// <summary>The silence that held the alarm when it was raised (it files no case meanwhile).</summary>
    [Id(19)] public string? SuppressedBy { get; set; }
    [Id(20)] public string? DismissReason { get; set; }
    [Id(21)] public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>False between persisting a new alarm and its <c>alarm.raised</c> event being stored (announced again on reactivation).</summary>
    [Id(22)] public bool Announced { get; set; }
    [Id(23)] public List<string> Zones { get; set; } = [];
    [Id(24)] public string? Title { get; set; }
    [Id(25)] public bool Flapping { get; set; }

    /// <summary>When the last <c>remind:</c> reminder was sent; the next is due one interval later (<see cref="AlarmClock"/>).</summary>
    [Id(26)] public DateTimeOffset? RemindedAt { get; set; }

    /// <summary>The incident the alarm is a member of (CONTRACT §8); null when none.</summary>
    [Id(40)] public string? IncidentId { get; set; }

    /// <summary>The incident grain the alarm reported to (rule and group), so its changes reach the same one; null once it left.</summary>
    [Id(41)] public string? IncidentKey { get; set; }

    /// <summary>True when <see cref="CaseId"/> is the incident's case: the incident grain, not the device, keeps it current.</summary>
    [Id(42)] public bool CaseOfIncident { get; set; }

    /// <summary>
    /// Its suppressor cleared while its value was back to normal (clearing, within its rule's <c>clear:</c> hold): it files
    /// nothing, and is not escalated or reminded of, unless it breaches again before it clears (then it is judged as on its raise).
    /// </summary>
    [Id(43)] public bool AwaitsBreach { get; set; }

    public static AlarmRecord From(AlarmState state, string? caseId, bool caseFiled, string? ruleDefinition = null)
    {
        var record = new AlarmRecord { CaseId = caseId, CaseFiled = caseFiled };
        record.Refresh(state, ruleDefinition);
        return record;
    }

    /// <summary>
    /// True when the alarm, waiting unfiled (no case, no incident, not dismissed, not suppressed, not flapping), now files
    /// by its rule's policy at <paramref name="severity"/> (an escalation across <c>fileFrom</c>, the end of flapping).
    /// </summary>
    public bool FilesNow(Rule rule, Severity severity) =>
        CaseId is null && IncidentId is null && Disposition == AlarmDisposition.Pending && SuppressedBy is null && !Flapping && !AwaitsBreach
        && rule.FilesAt(severity);

    /// <summary>Takes the judge's state, keeping everything the desk and the case added.</summary>
    public void Refresh(AlarmState state, string? ruleDefinition)
    {
        ArgumentNullException.ThrowIfNull(state);
        Phase = state.Phase;
        PendingSince = state.PendingSince;
        ActiveSince = state.ActiveSince;
        ClearingSince = state.ClearingSince;
        Severity = state.Severity;
        CurrentLevel = state.CurrentLevel;
        Peak = state.Peak;
        LastValue = state.LastValue;
        LastEvaluated = state.LastEvaluated;
        Matches = state.Matches;
        RuleDefinition = ruleDefinition;
    }

    public AlarmState ToState() => new()
    {
        Phase = Phase,
        PendingSince = PendingSince,
        ActiveSince = ActiveSince,
        ClearingSince = ClearingSince,
        Severity = Severity,
        CurrentLevel = CurrentLevel,
        Peak = Peak,
        LastValue = LastValue,
        LastEvaluated = LastEvaluated,
        Matches = Matches,
    };
}
