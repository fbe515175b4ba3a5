using System.Collections.Immutable;

namespace CityOps.Grains;

/// <summary>
/// What an incident grain tells its case: its title and worst severity, every member alarm, whether any is active, and the
/// value of its worst active member (at that member's last report) and the highest peak of its members.
/// </summary>
[GenerateSerializer, Immutable, Alias("cityops.incident-case-update")]
public sealed record IncidentCaseUpdate(
    [property: Id(0)] string IncidentId,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Title,
    [property: Id(3)] Severity Severity,
    [property: Id(4)] ImmutableArray<string> AlarmIds,
    [property: Id(5)] bool Active,
    [property: Id(6)] string? Note,
    [property: Id(7)] double? Value = null,
    [property: Id(8)] double? Peak = null);
