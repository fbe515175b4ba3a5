namespace CityOps.Grains;

/// <summary>The alarm after an action, or why the action was refused (the API answers 404 or 409).</summary>
[GenerateSerializer, Immutable, Alias("cityops.alarm-action-result")]
public sealed record AlarmActionResult(
    [property: Id(0)] AlarmSnapshot? Alarm,
    [property: Id(1)] string? Error,
    [property: Id(2)] bool NotFound = false);
