using System.Collections.Immutable;

namespace CityOps.Grains;

/// <summary>
/// An incident as the API, the alarm stream and the webhook see it (CONTRACT §8): the alarms of one incident rule in one
/// group (<see cref="Group"/>: a zone id, a grid code or prefix, an attribute value), its one case, its worst severity and
/// <see cref="Count"/> active members.
/// </summary>
[GenerateSerializer, Immutable, Alias("cityops.incident-snapshot")]
public sealed record IncidentSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] string RuleId,
    [property: Id(2)] string Group,
    [property: Id(3)] string? GroupName,
    [property: Id(4)] IncidentStatus Status,
    [property: Id(5)] Severity Severity,
    [property: Id(6)] string Code,
    [property: Id(7)] string Title,
    [property: Id(8)] string? CaseId,
    [property: Id(9)] int Count,
    [property: Id(10)] DateTimeOffset OpenedAt,
    [property: Id(11)] DateTimeOffset UpdatedAt,
    [property: Id(12)] DateTimeOffset? ClearedAt,
    [property: Id(13)] ImmutableArray<IncidentMember> Members);
