namespace CityOps.Grains.Storage;

/// <summary>
/// Durable alarms, queryable without activating device grains (a device grain owns each row it writes), and the durable
/// log of alarm events the alarm stream replays and the webhook delivers.
/// </summary>
public interface IAlarmStore
{
    Task<AlarmSnapshot?> FindAsync(string id);

    /// <summary>Saves a change no one is told about (a new value of an active alarm).</summary>
    Task SaveAsync(AlarmSnapshot alarm);

    /// <summary>
    /// Saves a change and appends it to the alarm event log (and the alarm webhook outbox, when a webhook is configured) in
    /// one transaction; returns the event (<c>{"event", "id", "sequence", "at", "alarm"}</c>).
    /// </summary>
    Task<StoredCaseEvent> SaveAsync(AlarmSnapshot alarm, string eventName, DateTimeOffset at);

    /// <summary>Events after <paramref name="sequence"/>, oldest first (SSE replay).</summary>
    Task<IReadOnlyList<StoredCaseEvent>> EventsAfterAsync(long sequence, int limit);

    /// <summary>The sequence number of the latest alarm event (0 when there is none).</summary>
    Task<long> LastSequenceAsync();

    /// <summary>Drops logged events older than <paramref name="before"/> that the webhook no longer needs; the newest always stays.</summary>
    Task<int> PruneEventsAsync(DateTimeOffset before);

    /// <summary>Alarms newest first (by <c>raisedAt</c>).</summary>
    Task<Page<AlarmSnapshot>> QueryAsync(AlarmQuery query);
}
