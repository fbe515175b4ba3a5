namespace CityOps.Api.Endpoints;

/// <summary>Body of <c>PUT /api/v1/devices/{id}</c>.</summary>
public sealed record DeviceRequest(
    string? Kind,
    string? Name,
    double? Lat,
    double? Lon,
    string? Code,
    Dictionary<string, string>? Attributes,
    string? Secret);
