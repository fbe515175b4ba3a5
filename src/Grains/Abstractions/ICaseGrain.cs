namespace CityOps.Grains;

/// <summary>One grain per case, keyed by case id; it owns the workflow state machine and the history.</summary>
public interface ICaseGrain : IGrainWithStringKey
{
    /// <summary>Files the case; idempotent, so a device grain may repeat it after a crash.</summary>
    Task<CaseSnapshot> File(CaseFiling filing);

    /// <summary>Updates value, peak, severity or alarm state from the device grain.</summary>
    Task AlarmChanged(AlarmUpdate update);

    /// <summary>
    /// The case of an incident: filed from <paramref name="filing"/> when it does not exist yet (idempotent), then given the
    /// incident's id, title, worst severity, member alarms and whether any is active.
    /// </summary>
    Task<CaseSnapshot> FileIncident(CaseFiling filing, IncidentCaseUpdate update);

    /// <summary>
    /// The alarm of the case was suppressed by a root cause raised after the case was filed (<paramref name="rootCauseAlarmId"/>:
    /// a parent device's alarm), or that root cause cleared (null). The case stays as it is; its history notes it.
    /// </summary>
    Task RootCause(DateTimeOffset at, string? rootCauseAlarmId, string note);

    Task<CaseActionResult> Act(CaseAction action);

    Task<CaseSnapshot?> Get();

    /// <summary>Lets time act: flags a passed deadline, verifies by the sensor when the alarm stayed clear.</summary>
    Task<CaseSnapshot?> Tick();
}
