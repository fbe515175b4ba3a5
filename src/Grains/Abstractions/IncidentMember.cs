namespace CityOps.Grains;

/// <summary>One alarm of an incident, with the position of its device (CONTRACT §8).</summary>
[GenerateSerializer, Immutable, Alias("cityops.incident-member")]
public sealed record IncidentMember(
    [property: Id(0)] string AlarmId,
    [property: Id(1)] string DeviceId,
    [property: Id(2)] string RuleId,
    [property: Id(3)] Severity Severity,
    [property: Id(4)] bool Active,
    [property: Id(5)] double? Lat,
    [property: Id(6)] double? Lon,
    [property: Id(7)] DateTimeOffset RaisedAt,
    [property: Id(8)] DateTimeOffset? ClearedAt);
