namespace CityOps.Grains;

/// <summary>One grain per case, keyed by case id; it owns the workflow state machine and the history.</summary>
public interface ICaseGrain : IGrainWithStringKey
{
    /// <summary>Files the case; idempotent, so a device grain may repeat it after a crash.</summary>
    Task<CaseSnapshot> File(CaseFiling filing);

    /// <summary>Updates value, peak, severity or alarm state from the device grain.</summary>
    Task AlarmChanged(AlarmUpdate update);

    Task<CaseActionResult> Act(CaseAction action);

    Task<CaseSnapshot?> Get();

    /// <summary>Lets time act: flags a passed deadline, verifies by the sensor when the alarm stayed clear.</summary>
    Task<CaseSnapshot?> Tick();
}
