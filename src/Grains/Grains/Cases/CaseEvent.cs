namespace CityOps.Grains.Cases;

/// <summary>
/// A case change as it is announced: <c>case.filed</c>, <c>case.updated</c>, <c>case.dispatched</c>, …, with its
/// sequence number in the durable event log (0 when it was not logged).
/// </summary>
public sealed record CaseEvent(string Event, CaseSnapshot Case, long Sequence = 0);
