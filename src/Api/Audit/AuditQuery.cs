namespace CityOps.Api.Audit;

/// <summary>Filters of <c>GET /api/v1/audit</c>: a time range [From, To) and an actor; null means any.</summary>
public sealed record AuditQuery(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? Actor = null,
    int Page = 1,
    int PageSize = 100);
