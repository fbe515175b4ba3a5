using CityOps.Api.Audit;
using CityOps.Grains.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityOps.Api.Endpoints;

/// <summary><c>GET /api/v1/audit</c>: who wrote what, for admins (<see cref="Security.AccessPolicy"/>).</summary>
public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/audit").WithTags("Audit").MapGet("/", async Task<Results<Ok<Page<AuditEntry>>, ValidationProblem>> (
            IAuditLog log, DateTimeOffset? from, DateTimeOffset? to, string? actor, int? page, int? pageSize) =>
        {
            if (page is < 1 || pageSize is < 1 or > 1000)
            {
                return Problems.Invalid("page", "page starts at 1; pageSize is 1-1000");
            }

            if (from is not null && to is not null && from >= to)
            {
                return Problems.Invalid("from", "from must be before to");
            }

            return TypedResults.Ok(await log.QueryAsync(new AuditQuery(from, to, string.IsNullOrEmpty(actor) ? null : actor, page ?? 1, pageSize ?? 100)));
        }).WithSummary("Every write request: who (API key name), method, path, resource id, status, when; newest first");
        return app;
    }
}
