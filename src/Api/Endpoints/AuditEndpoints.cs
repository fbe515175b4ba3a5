using CityOps.Api.Audit;

namespace CityOps.Api.Endpoints;

/// <summary><c>GET /api/v1/audit</c>: who wrote what, for admins (<see cref="Security.AccessPolicy"/>).</summary>
public static class AuditEndpoints
{
    private const int DefaultPageSize = 100;

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/audit").WithTags("Audit").MapGet("/", ListAudit)
            .WithName("ListAudit")
            .WithSummary("Every write request: who (API key name), method, path, resource id, status, when; newest first");
        return app;
    }

    private static async Task<Results<Ok<Page<AuditEntry>>, ValidationProblem>> ListAudit(
        IAuditLog log, DateTimeOffset? from, DateTimeOffset? to, string? actor, [AsParameters] Paging paging)
    {
        if (paging.Problem(DefaultPageSize) is { } problem)
        {
            return problem;
        }

        if (from is not null && to is not null && from >= to)
        {
            return Problems.Invalid("from", "from must be before to");
        }

        return TypedResults.Ok(await log.QueryAsync(new AuditQuery(from, to, string.IsNullOrEmpty(actor) ? null : actor, paging.PageOrFirst, paging.SizeOr(DefaultPageSize))));
    }
}
