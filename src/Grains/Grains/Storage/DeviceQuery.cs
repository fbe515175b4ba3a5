namespace CityOps.Grains.Storage;

/// <summary>Filters of <c>GET /api/v1/devices</c>; null means any.</summary>
public sealed record DeviceQuery(string? Kind = null, string? Grid = null, bool? Online = null, int Page = 1, int PageSize = 100);
