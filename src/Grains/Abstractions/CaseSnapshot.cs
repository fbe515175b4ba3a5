using System.Collections.Immutable;

namespace CityOps.Grains;

/// <summary>
/// A city-management case (案件) as the API, the stream and the dispatch system see it.
/// <see cref="Overdue"/>: its 处置时限 (<see cref="DueAt"/>) passed before it was handled (sticky once set,
/// cleared by a postponement into the future); <see cref="VerifyDueAt"/>: the 核查 limit after handling.
/// </summary>
[GenerateSerializer, Immutable, Alias("cityops.case-snapshot")]
public sealed record CaseSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] string Status,
    [property: Id(2)] string Severity,
    [property: Id(3)] string Code,
    [property: Id(4)] string? Category,
    [property: Id(5)] string Title,
    [property: Id(6)] string? DeviceId,
    [property: Id(7)] string? RuleId,
    [property: Id(8)] double? Lat,
    [property: Id(9)] double? Lon,
    [property: Id(10)] string? Grid,
    [property: Id(11)] string? Unit,
    [property: Id(12)] double? Value,
    [property: Id(13)] double? Peak,
    [property: Id(14)] bool AlarmActive,
    [property: Id(15)] DateTimeOffset OpenedAt,
    [property: Id(16)] DateTimeOffset UpdatedAt,
    [property: Id(17)] DateTimeOffset? DueAt,
    [property: Id(18)] DateTimeOffset? ClosedAt,
    [property: Id(19)] ImmutableArray<CaseEntry> History,
    [property: Id(20)] bool Overdue = false,
    [property: Id(21)] TimeSpan? VerifyLimit = null,
    [property: Id(22)] DateTimeOffset? VerifyDueAt = null,
    [property: Id(23)] ImmutableArray<string>? AlarmIds = null,
    [property: Id(40)] string? IncidentId = null);
