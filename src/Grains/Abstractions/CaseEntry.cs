namespace CityOps.Grains;

/// <summary>One line of a case's history: a status change, a severity change, or a note.</summary>
[GenerateSerializer, Immutable, Alias("cityops.case-entry")]
public sealed record CaseEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Type,
    [property: Id(2)] string? From,
    [property: Id(3)] string? To,
    [property: Id(4)] string Actor,
    [property: Id(5)] string? Note);
