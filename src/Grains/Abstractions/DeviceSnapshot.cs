using System.Collections.Immutable;

namespace CityOps.Grains;

/// <summary>A device as the API shows it: registry data, place in the grid, liveness, last metrics, active alarms.</summary>
[GenerateSerializer, Immutable, Alias("cityops.device-snapshot")]
public sealed record DeviceSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] string Kind,
    [property: Id(2)] string? Name,
    [property: Id(3)] double? Lat,
    [property: Id(4)] double? Lon,
    [property: Id(5)] string? Code,
    [property: Id(6)] ImmutableDictionary<string, string> Attributes,
    [property: Id(7)] string? Grid,
    [property: Id(8)] string? Unit,
    [property: Id(9)] bool Online,
    [property: Id(10)] DateTimeOffset? LastSeen,
    [property: Id(11)] ImmutableDictionary<string, double> Last,
    [property: Id(12)] ImmutableArray<ActiveAlarm> Alarms,
    [property: Id(13)] bool AutoProvisioned,
    [property: Id(14)] bool HasSecret);
