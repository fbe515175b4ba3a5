using CityOps.Grains.Kpis;
using Microsoft.Extensions.Options;

namespace CityOps.Api.Endpoints;

/// <summary>
/// <c>/api/v1/kpis</c>: the indicators per unit (and per 区/街道/社区) for a period, and the 综合评价 ranking
/// (docs/kpis.md). The arithmetic is <see cref="KpiCalculator"/>'s.
/// </summary>
public static class KpiEndpoints
{
    private static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(366);

    public static IEndpointRouteBuilder MapKpiEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/kpis").WithTags("KPIs");
        group.MapGet("/", Kpis).WithName("Kpis").WithSummary("Indicators per unit (and per grid area with level=) for [from, to)");
        group.MapGet("/ranking", Ranking).WithName("KpiRanking").WithSummary("综合评价: weighted score per unit (or grid area with level=), best first");
        return app;
    }

    /// <summary>The indicators, with the query the endpoints share.</summary>
    public sealed record KpiQuery(DateTimeOffset? From, DateTimeOffset? To, string? Unit, string? Grid, string? Level)
    {
        public KpiScope ToScope() => new(Unit, Grid, Level is null ? null : [Level]);
    }

    private static async Task<Results<Ok<KpiReport>, ValidationProblem>> Kpis(
        [AsParameters] KpiQuery query, ICaseStore store, [FromKeyedServices(CityOpsTime.Key)] TimeProvider time, IOptions<KpiOptions> options, IOptions<CityOptions> city)
    {
        var (report, problem) = await ComputeAsync(query, store, time.GetUtcNow(), options.Value, city.Value);
        return report is null ? problem! : TypedResults.Ok(report);
    }

    private static async Task<Results<Ok<KpiRankingView>, ValidationProblem>> Ranking(
        [AsParameters] KpiQuery query, ICaseStore store, [FromKeyedServices(CityOpsTime.Key)] TimeProvider time, IOptions<KpiOptions> options, IOptions<CityOptions> city)
    {
        var (report, problem) = await ComputeAsync(query, store, time.GetUtcNow(), options.Value, city.Value);
        if (report is null)
        {
            return problem!;
        }

        var rows = report.Areas ?? report.Units;
        return TypedResults.Ok(new KpiRankingView(report.From, report.To, report.AsOf, query.Level ?? "unit", options.Value.Weights, KpiRanking.Rank(rows, options.Value.Weights)));
    }

    /// <summary>The indicators of the query's period, or why the query is refused.</summary>
    private static async Task<(KpiReport? Report, ValidationProblem? Problem)> ComputeAsync(KpiQuery query, ICaseStore store, DateTimeOffset now, KpiOptions options, CityOptions city)
    {
        var zone = options.Zone(city);
        if (Check(query, now, zone) is { } problem)
        {
            return (null, problem);
        }

        var (from, to) = Period(query, now, zone);
        return (KpiCalculator.Compute(await store.ActiveBetweenAsync(from, to), from, to, now, options, query.ToScope()), null);
    }

    /// <summary>
    /// Default period: the month of <c>to</c> (default now) in the reports' zone (<c>CityOps:Kpis:TimeZone</c>, else the city's
    /// <c>CityOps:TimeZone</c>), from its first midnight until <c>to</c>.
    /// </summary>
    private static (DateTimeOffset From, DateTimeOffset To) Period(KpiQuery query, DateTimeOffset now, TimeZoneInfo zone)
    {
        var to = query.To ?? now;
        return (query.From ?? ReportPeriod.Parse(ReportPeriod.Monthly, null, to, zone)?.From ?? to, to);
    }

    private static ValidationProblem? Check(KpiQuery query, DateTimeOffset now, TimeZoneInfo zone)
    {
        var (from, to) = Period(query, now, zone);
        return from >= to || to - from > MaxPeriod ? Problems.Invalid("from", "from is before to, at most 366 days apart (default: this month until now)")
            : query.Unit is { Length: 0 or > 100 } ? Problems.Invalid("unit", "unit is 1-100 characters")
            : query.Grid is { } grid && (grid.Length is 0 or > 15 || !grid.All(char.IsAsciiDigit)) ? Problems.Invalid("grid", "grid is a grid code or its prefix: 1-15 digits")
            : query.Level is { } level && !KpiScope.AllLevels.Contains(level) ? Problems.Invalid("level", $"level is one of {string.Join(", ", KpiScope.AllLevels)}")
            : null;
    }
}

/// <summary>The answer of <c>GET /api/v1/kpis/ranking</c>.</summary>
public sealed record KpiRankingView(
    DateTimeOffset From, DateTimeOffset To, DateTimeOffset AsOf, string Level, IReadOnlyDictionary<string, double> Weights, IReadOnlyList<RankedRow> Ranking);
