using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace CityOps.Grains;

/// <summary>
/// A city-management case (案件) as the API, the stream and the dispatch system see it.
/// <see cref="Overdue"/>: its 处置时限 (<see cref="DueAt"/>) passed before it was handled (sticky once set,
/// set again by a new dispatch); <see cref="VerifyDueAt"/>: the 核查 limit after handling. <see cref="DispatchDueAt"/>:
/// 派遣时限, from filing; <see cref="DueAt"/> (处置时限) is counted from dispatch, <see cref="DueLimit"/> long, in working
/// time when <see cref="DueWorking"/>. <see cref="DispatchOverdue"/>/<see cref="VerifyOverdue"/>: 超时未派遣/超时未核查.
/// <see cref="SuperviseLevel"/>: 督办 level (0: none). <see cref="PostponeRequestedTo"/>: a 延期 request awaiting a
/// supervisor, asked at <see cref="PostponeRequestedAt"/>. <see cref="DeferredFrom"/>: the status a 挂账 case resumes to.
/// Ids 24-29 are left for fields other branches add.
/// </summary>
[GenerateSerializer, Immutable, Alias("cityops.case-snapshot")]
public sealed record CaseSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] CaseStatus Status,
    [property: Id(2)] Severity Severity,
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
    [property: Id(19)] ImmutableArray<HistoryEntry> History,
    [property: Id(20)] bool Overdue = false,
    [property: Id(21)] TimeSpan? VerifyLimit = null,
    [property: Id(22)] DateTimeOffset? VerifyDueAt = null,
    [property: Id(23)] ImmutableArray<string>? AlarmIds = null,
    [property: Id(30)] CodeType? CodeType = null,
    [property: Id(31)] CaseSource? Source = null,
    [property: Id(32)] DateTimeOffset? DispatchDueAt = null,
    [property: Id(33)] TimeSpan? DueLimit = null,
    [property: Id(34), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool DueWorking = false,
    [property: Id(35), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool DispatchOverdue = false,
    [property: Id(36), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool VerifyOverdue = false,
    [property: Id(37), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int SuperviseLevel = 0,
    [property: Id(38)] DateTimeOffset? PostponeRequestedTo = null,
    [property: Id(39)] DateTimeOffset? PostponeRequestedAt = null,
    [property: Id(40)] CaseStatus? DeferredFrom = null,
    [property: Id(41)] DateTimeOffset? DeferredAt = null,
    [property: Id(42)] string? IncidentId = null);
