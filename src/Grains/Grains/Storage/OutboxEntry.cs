namespace CityOps.Grains.Storage;

/// <summary>A case event waiting in the webhook outbox, with its delivery attempts so far.</summary>
public sealed record OutboxEntry(StoredCaseEvent Event, int Attempts, DateTimeOffset NextAttemptAt);
