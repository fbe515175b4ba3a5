namespace CityOps.Grains.Routing;

/// <summary>
/// Where a case goes and by when: the responsible unit (责任单位), 处置时限 (<see cref="Deadline"/>, in working time when
/// <see cref="WorkingHours"/>; <see cref="DueAt"/> is when it falls if dispatched at the time asked), 核查时限, and
/// 派遣时限 (<see cref="DispatchDeadline"/>, <see cref="DispatchDueAt"/> from filing).
/// </summary>
public sealed record RouteDecision(
    string? Unit,
    TimeSpan Deadline,
    bool WorkingHours,
    DateTimeOffset DueAt,
    TimeSpan Verify,
    bool AutoDispatch,
    TimeSpan DispatchDeadline,
    DateTimeOffset DispatchDueAt);
