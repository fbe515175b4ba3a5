namespace CityOps.Grains;

/// <summary>An alarm that currently holds on a device, and the case it raised.</summary>
[GenerateSerializer, Immutable, Alias("cityops.active-alarm")]
public sealed record ActiveAlarm(
    [property: Id(0)] string RuleId,
    [property: Id(1)] Severity Severity,
    [property: Id(2)] DateTimeOffset Since,
    [property: Id(3)] double? Value,
    [property: Id(4)] double? Peak,
    [property: Id(5)] string? CaseId);
