namespace CityOps.Grains.Storage;

/// <summary>Durable cases, queryable across all of them (a case grain owns each row it writes).</summary>
public interface ICaseStore : IDocumentStore<CaseSnapshot>, IEventLogStore
{
    /// <summary>
    /// Saves a change and appends it to the durable event log (and the webhook outbox, when a webhook is
    /// configured) in one transaction; returns the event.
    /// </summary>
    Task<StoredCaseEvent> SaveAsync(CaseSnapshot snapshot, CaseEventKind eventKind, DateTimeOffset at);

    Task<Page<CaseSnapshot>> QueryAsync(CaseQuery query);

    /// <summary>Every case not yet closed or cancelled (filed, dispatched, handled, verified, deferred).</summary>
    Task<IReadOnlyList<CaseSnapshot>> OpenAsync();

    /// <summary>
    /// Cases opened before <paramref name="to"/> and changed at or after <paramref name="from"/> or still open (the candidates
    /// for a period's KPIs: an overdue case nobody touched since is carried over into later periods).
    /// </summary>
    Task<IReadOnlyList<CaseSnapshot>> ActiveBetweenAsync(DateTimeOffset from, DateTimeOffset to);
}
