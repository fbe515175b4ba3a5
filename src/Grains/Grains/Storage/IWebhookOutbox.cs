namespace CityOps.Grains.Storage;

/// <summary>
/// Case events to push to the dispatch system's webhook. Rows are written by the case store in the same
/// transaction as the case change, so a change is never stored without its event (or the reverse).
/// </summary>
public interface IWebhookOutbox
{
    /// <summary>Pending events, oldest first.</summary>
    Task<IReadOnlyList<OutboxEntry>> PendingAsync(int limit);

    Task<int> PendingCountAsync();

    Task DeliveredAsync(long sequence);

    Task RetryLaterAsync(long sequence, int attempts, DateTimeOffset nextAttemptAt, string error);

    /// <summary>Given up on: the receiver refused the event (4xx). Kept for inspection, never retried.</summary>
    Task ParkAsync(long sequence, int attempts, string error);
}
