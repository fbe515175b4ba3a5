namespace CityOps.Grains;

/// <summary>A workflow action on a case: dispatch, handle, verify, close, rework, postpone, cancel.</summary>
[GenerateSerializer, Immutable, Alias("cityops.case-action")]
public sealed record CaseAction(
    [property: Id(0)] string Action,
    [property: Id(1)] string? Unit,
    [property: Id(2)] string? Note,
    [property: Id(3)] string By,
    [property: Id(4)] DateTimeOffset? DueAt);
