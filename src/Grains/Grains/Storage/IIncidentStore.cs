namespace CityOps.Grains.Storage;

/// <summary>
/// Durable incidents, queryable without activating incident grains (an incident grain owns each row it writes). Their
/// events join the alarm event log, so the alarm stream and the alarm webhook carry them.
/// </summary>
public interface IIncidentStore : IDocumentStore<IncidentSnapshot>
{
    /// <summary>Saves a change and appends it to the alarm event log (and alarm webhook outbox) in one transaction.</summary>
    Task<StoredCaseEvent> SaveAsync(IncidentSnapshot incident, string eventName, DateTimeOffset at);

    /// <summary>Incidents newest first (by <c>openedAt</c>).</summary>
    Task<Page<IncidentSnapshot>> QueryAsync(IncidentQuery query);
}
