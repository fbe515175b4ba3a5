using CityOps.Grains;
using CityOps.Grains.Kpis;
using CityOps.Grains.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityOps.Api.Endpoints;

/// <summary><c>/api/v1/kpis</c>: 结案率, 按期结案率, 处置率, 按期处置率, 返工率 per unit for a period.</summary>
public static class KpiEndpoints
{
    public static IEndpointRouteBuilder MapKpiEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/kpis").WithTags("KPIs").MapGet("/", async Task<Results<Ok<KpiReport>, ValidationProblem>> (
            ICaseStore store, [FromKeyedServices(CityOpsTime.Key)] TimeProvider time, DateTimeOffset? from, DateTimeOffset? to, string? unit) =>
        {
            var now = time.GetUtcNow();
            var end = to ?? now;
            var start = from ?? new DateTimeOffset(end.UtcDateTime.Year, end.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
            if (start >= end || end - start > TimeSpan.FromDays(366))
            {
                return Problems.Invalid("from", "from is before to, at most 366 days apart (default: this month until now)");
            }

            if (unit is { Length: 0 or > 100 })
            {
                return Problems.Invalid("unit", "unit is 1-100 characters");
            }

            return TypedResults.Ok(KpiCalculator.Compute(await store.ActiveBetweenAsync(start, end), start, end, unit));
        });

        return app;
    }
}
