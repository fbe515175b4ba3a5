namespace CityOps.Grains;

/// <summary>The case after an action, or why the action was refused (the API answers 404, 403 or 409).</summary>
[GenerateSerializer, Immutable, Alias("cityops.case-action-result")]
public sealed record CaseActionResult(
    [property: Id(0)] CaseSnapshot? Case,
    [property: Id(1)] string? Error,
    [property: Id(2)] bool NotFound = false,
    [property: Id(3)] bool Forbidden = false);
