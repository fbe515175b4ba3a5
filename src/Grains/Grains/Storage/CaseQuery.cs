namespace CityOps.Grains.Storage;

/// <summary>Filters of <c>GET /api/v1/cases</c>; null means any.</summary>
public sealed record CaseQuery(
    CaseStatus? Status = null,
    string? Code = null,
    string? Unit = null,
    string? Grid = null,
    string? DeviceId = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int Page = 1,
    int PageSize = 50);
