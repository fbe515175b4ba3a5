namespace CityOps.Grains;

/// <summary>A person's action on an alarm (<c>POST /api/v1/alarms/{id}/actions</c>).</summary>
[GenerateSerializer, Immutable, Alias("cityops.alarm-action")]
public sealed record AlarmAction(
    [property: Id(0)] AlarmActionKind Action,
    [property: Id(1)] string By,
    [property: Id(2)] string? Note,
    [property: Id(3)] string? Reason);
