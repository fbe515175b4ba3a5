using System.Text.Json;

namespace CityOps.Api.Endpoints;

/// <summary>Body of <c>PUT /api/v1/devices/{id}</c>. Attribute values may be strings, numbers or booleans (stored as text).</summary>
public sealed record DeviceRequest(
    string? Kind,
    string? Name,
    double? Lat,
    double? Lon,
    string? Code,
    Dictionary<string, JsonElement>? Attributes,
    string? Secret);
