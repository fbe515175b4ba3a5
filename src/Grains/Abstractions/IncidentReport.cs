namespace CityOps.Grains;

/// <summary>
/// What a device grain tells an incident grain of an alarm of one of its rules: raised, more severe, or cleared; with the
/// alarm's value then and its peak.
/// </summary>
[GenerateSerializer, Immutable, Alias("cityops.incident-report")]
public sealed record IncidentReport(
    [property: Id(0)] string AlarmId,
    [property: Id(1)] string DeviceId,
    [property: Id(2)] string RuleId,
    [property: Id(3)] Severity Severity,
    [property: Id(4)] bool Active,
    [property: Id(5)] DateTimeOffset RaisedAt,
    [property: Id(6)] DateTimeOffset At,
    [property: Id(7)] double? Lat,
    [property: Id(8)] double? Lon,
    [property: Id(9)] string? Grid,
    [property: Id(10)] string? Unit,
    [property: Id(11)] string? OwnCaseId,
    [property: Id(12)] string? GroupName,
    [property: Id(13)] double? Value = null,
    [property: Id(14)] double? Peak = null);
