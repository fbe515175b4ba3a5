namespace CityOps.Grains.Storage;

/// <summary>The reading side of a store's durable event log (cases, alarms): SSE replay and pruning.</summary>
public interface IEventLogStore
{
    /// <summary>Events after <paramref name="sequence"/>, oldest first (SSE replay).</summary>
    Task<IReadOnlyList<StoredCaseEvent>> EventsAfterAsync(long sequence, int limit);

    /// <summary>The sequence number of the latest event (0 when there is none).</summary>
    Task<long> LastSequenceAsync();

    /// <summary>
    /// Drops logged events older than <paramref name="before"/> that the webhook no longer needs; returns how many.
    /// The newest event always stays, so numbering never restarts and an SSE client's <c>Last-Event-ID</c> stays valid.
    /// </summary>
    Task<int> PruneEventsAsync(DateTimeOffset before);
}
