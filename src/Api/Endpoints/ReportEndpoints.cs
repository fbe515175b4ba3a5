using CityOps.Api.Reports;
using CityOps.Grains.Kpis;
using Microsoft.Extensions.Options;

namespace CityOps.Api.Endpoints;

/// <summary>
/// <c>GET /api/v1/reports/{weekly|monthly}?period=&amp;format=</c>: the period's indicators and ranking as JSON (default),
/// CSV (<c>format=csv</c>) or a printable HTML page (<c>format=html</c>); an <c>Accept</c> of text/csv or text/html
/// chooses too.
/// </summary>
public static class ReportEndpoints
{
    public static IEndpointRouteBuilder MapReportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/reports").WithTags("KPIs")
            .MapGet("/{kind}", Report).WithName("KpiReport")
            .WithSummary("Weekly (period=2026-W48) or monthly (period=2026-11) report: JSON, CSV or printable HTML")
            .Produces<KpiPeriodReport>().Produces<string>(200, "text/csv", "text/html").ProducesValidationProblem();
        return app;
    }

    private static async Task<IResult> Report(
        string kind, string? period, string? format, HttpRequest request, ICaseStore store,
        [FromKeyedServices(CityOpsTime.Key)] TimeProvider time, IOptions<KpiOptions> options, IOptions<CityOptions> city)
    {
        var zone = options.Value.Zone(city.Value);
        if (kind is not (ReportPeriod.Weekly or ReportPeriod.Monthly))
        {
            return Problems.Invalid("kind", "the report is weekly or monthly (/api/v1/reports/weekly, /api/v1/reports/monthly)");
        }

        var now = time.GetUtcNow();
        if (ReportPeriod.Parse(kind, period, now, zone) is not { } span)
        {
            return Problems.Invalid("period", kind == ReportPeriod.Weekly
                ? "period is an ISO week such as 2026-W48 (default: this week)"
                : "period is a month such as 2026-11 (default: this month)");
        }

        var chosen = format ?? FromAccept(request);
        if (chosen is not ("json" or "csv" or "html"))
        {
            return Problems.Invalid("format", "format is json, csv or html");
        }

        var report = KpiPeriodReport.Build(await store.ActiveBetweenAsync(span.From, span.To), span, now, options.Value);
        var file = $"cityops-{kind}-{span.Name}";
        if (chosen == "html")
        {
            request.HttpContext.Response.Headers.ContentSecurityPolicy = ReportHtml.Policy;
        }

        return chosen switch
        {
            "csv" => Results.File(ReportCsv.Write(report), "text/csv; charset=utf-8", file + ".csv"),
            "html" => Results.Text(ReportHtml.Write(report, zone), "text/html; charset=utf-8"),
            _ => TypedResults.Ok(report),
        };
    }

    private static string FromAccept(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        return accept.Contains("text/csv", StringComparison.OrdinalIgnoreCase) ? "csv"
            : accept.Contains("text/html", StringComparison.OrdinalIgnoreCase) ? "html"
            : "json";
    }
}
