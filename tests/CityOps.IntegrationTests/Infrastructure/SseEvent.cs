namespace CityOps.Tests.Infrastructure;

/// <summary>One server-sent event as a client parsed it.</summary>
public sealed record SseEvent(string? Id, string? Event, string Data);
