namespace CityOps.Grains.Storage;

/// <summary>Filters of <c>GET /api/v1/incidents</c>; null means any.</summary>
public sealed record IncidentQuery(
    IncidentStatus? Status = null,
    string? RuleId = null,
    string? Group = null,
    int Page = 1,
    int PageSize = 50);
