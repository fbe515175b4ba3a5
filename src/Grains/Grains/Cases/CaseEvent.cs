namespace CityOps.Grains.Cases;

/// <summary>A case change as it is announced: <c>case.filed</c>, <c>case.updated</c>, <c>case.dispatched</c>, …</summary>
public sealed record CaseEvent(string Event, CaseSnapshot Case);
