namespace CityOps.Grains.Storage;

/// <summary>
/// One case change in the durable event log: its sequence number (the SSE id), its idempotency key (the
/// webhook's <c>Idempotency-Key</c>, unique across databases) and the JSON announced
/// (<c>{"event", "id", "sequence", "at", "case"}</c>).
/// </summary>
public sealed record StoredCaseEvent(long Sequence, string Key, string CaseId, string Event, DateTimeOffset At, string Body);
