namespace CityOps.Grains;

/// <summary>
/// One grain per incident rule and group (key <c>{incident rule id}/{group key}</c>): the single owner of that group's
/// incident, so an incident is formed and its case filed once, in cluster mode too. Device grains report the alarms of the
/// incident's rules to it; it persists its state through the grain storage and writes incidents to the incident store.
/// </summary>
public interface IIncidentGrain : IGrainWithStringKey
{
    /// <summary>An alarm raised, more severe, or cleared; idempotent per alarm id and change.</summary>
    Task<IncidentReply> Report(IncidentReport report);

    /// <summary>A person files an alarm of the incident: the incident's case is filed now (if not yet); its id.</summary>
    Task<string?> File(string alarmId, string by);
}
