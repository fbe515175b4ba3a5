namespace CityOps.Grains;

/// <summary>
/// One line of an alarm's history: <c>raised</c>, <c>severity</c> (from → to), <c>acknowledged</c>, <c>filed</c>,
/// <c>dismissed</c>, <c>closed</c> or <c>cleared</c>, with time, actor and note.
/// </summary>
[GenerateSerializer, Immutable, Alias("cityops.alarm-entry")]
public sealed record AlarmEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Type,
    [property: Id(2)] string? From,
    [property: Id(3)] string? To,
    [property: Id(4)] string Actor,
    [property: Id(5)] string? Note);
