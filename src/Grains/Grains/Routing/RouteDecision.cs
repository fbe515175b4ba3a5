namespace CityOps.Grains.Routing;

/// <summary>Where a case goes and by when: the responsible unit (责任单位), 处置时限 and 核查时限.</summary>
public sealed record RouteDecision(
    string? Unit,
    TimeSpan Deadline,
    bool WorkingHours,
    DateTimeOffset DueAt,
    TimeSpan Verify,
    bool AutoDispatch);
