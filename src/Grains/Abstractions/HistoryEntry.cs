namespace CityOps.Grains;

/// <summary>
/// One line of an alarm's or a case's history, with time, actor and note. An alarm's: <c>raised</c>, <c>severity</c>
/// (from → to), <c>acknowledged</c>, <c>filed</c>, <c>dismissed</c>, <c>closed</c> or <c>cleared</c>; a case's: a status
/// change, a severity change, or a note. It replaced two records of the same fields (<c>AlarmEntry</c>, <c>CaseEntry</c>):
/// grain state and messages written with those read as this one, since Orleans names no type for a value of the declared
/// type (HistoryEntryStateTests).
/// </summary>
[GenerateSerializer, Immutable, Alias("cityops.history-entry")]
public sealed record HistoryEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Type,
    [property: Id(2)] string? From,
    [property: Id(3)] string? To,
    [property: Id(4)] string Actor,
    [property: Id(5)] string? Note);
