using System.Collections.Immutable;

namespace CityOps.Grains;

/// <summary>What an operator registers about a device (PUT /api/v1/devices/{id}, CSV/GeoJSON import).</summary>
[GenerateSerializer, Immutable, Alias("cityops.device-registration")]
public sealed record DeviceRegistration(
    [property: Id(0)] string Kind,
    [property: Id(1)] string? Name,
    [property: Id(2)] double? Lat,
    [property: Id(3)] double? Lon,
    [property: Id(4)] string? Code,
    [property: Id(5)] ImmutableDictionary<string, string> Attributes,
    [property: Id(6)] string? SecretHash);
