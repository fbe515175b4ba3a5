namespace CityOps.Grains.Storage;

/// <summary>
/// Durable alarms, queryable without activating device grains (a device grain owns each row it writes), and the durable
/// log of alarm events the alarm stream replays and the webhook delivers.
/// </summary>
public interface IAlarmStore : IDocumentStore<AlarmSnapshot>, IEventLogStore
{
    /// <summary>
    /// Saves a change and appends it to the alarm event log (and the alarm webhook outbox, when a webhook is configured) in
    /// one transaction; returns the event (<c>{"event", "id", "sequence", "at", "alarm"}</c>).
    /// </summary>
    Task<StoredCaseEvent> SaveAsync(AlarmSnapshot alarm, string eventName, DateTimeOffset at);

    /// <summary>Alarms newest first (by <c>raisedAt</c>).</summary>
    Task<Page<AlarmSnapshot>> QueryAsync(AlarmQuery query);
}
