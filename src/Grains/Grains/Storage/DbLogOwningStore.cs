namespace CityOps.Grains.Storage;

/// <summary>
/// A document store that owns its event log (cases, alarms): besides the documents it answers SSE replay and pruning,
/// and hands its webhook outbox to the dispatch part's WebhookDispatcher. (Incidents write into the alarms' log.)
/// </summary>
public abstract class DbLogOwningStore<T>(StoreDatabase db, string table, string noun, Func<T, string> idOf, DbEventLog log)
    : DbDocumentStore<T>(db, table, noun, idOf, log), IEventLogStore
    where T : class
{
    /// <summary>The webhook outbox of the events.</summary>
    public IWebhookOutbox Outbox => Log;

    public Task<IReadOnlyList<StoredCaseEvent>> EventsAfterAsync(long sequence, int limit) => Log.EventsAfterAsync(sequence, limit);

    public Task<long> LastSequenceAsync() => Log.LastSequenceAsync();

    public Task<int> PruneEventsAsync(DateTimeOffset before) => Log.PruneEventsAsync(before);
}
