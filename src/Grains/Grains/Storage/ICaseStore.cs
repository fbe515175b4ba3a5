namespace CityOps.Grains.Storage;

/// <summary>Durable cases, queryable across all of them (a case grain owns each row it writes).</summary>
public interface ICaseStore
{
    Task<CaseSnapshot?> FindAsync(string id);

    /// <summary>Saves a change no one is told about (a new value between significant changes).</summary>
    Task SaveAsync(CaseSnapshot snapshot);

    /// <summary>
    /// Saves a change and appends it to the durable event log (and the webhook outbox, when a webhook is
    /// configured) in one transaction; returns the event.
    /// </summary>
    Task<StoredCaseEvent> SaveAsync(CaseSnapshot snapshot, CaseEventKind eventKind, DateTimeOffset at);

    /// <summary>Events after <paramref name="sequence"/>, oldest first (SSE replay).</summary>
    Task<IReadOnlyList<StoredCaseEvent>> EventsAfterAsync(long sequence, int limit);

    /// <summary>The sequence number of the latest event (0 when there is none).</summary>
    Task<long> LastSequenceAsync();

    /// <summary>
    /// Drops logged events older than <paramref name="before"/> that the webhook no longer needs; returns how many.
    /// The newest event always stays, so numbering never restarts and an SSE client's <c>Last-Event-ID</c> stays valid.
    /// </summary>
    Task<int> PruneEventsAsync(DateTimeOffset before);

    Task<Page<CaseSnapshot>> QueryAsync(CaseQuery query);

    /// <summary>Every case not yet closed or cancelled (filed, dispatched, handled, verified, deferred).</summary>
    Task<IReadOnlyList<CaseSnapshot>> OpenAsync();

    /// <summary>
    /// Cases opened before <paramref name="to"/> and changed at or after <paramref name="from"/> or still open (the candidates
    /// for a period's KPIs: an overdue case nobody touched since is carried over into later periods).
    /// </summary>
    Task<IReadOnlyList<CaseSnapshot>> ActiveBetweenAsync(DateTimeOffset from, DateTimeOffset to);
}
