using CityOps.Grains.Routing;

namespace CityOps.Api.Endpoints;

/// <summary><c>/api/v1/routing</c>: the routing in force (edited as <c>routing.yaml</c>), and what it decides for a case.</summary>
public static class RoutingEndpoints
{
    public static IEndpointRouteBuilder MapRoutingEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/routing").WithTags("Routing");

        group.MapGet("/", (RoutingCatalog routing) =>
        {
            var table = routing.Current;
            var calendar = table.Calendar;
            return TypedResults.Ok(new
            {
                file = routing.FilePath,
                calendar = new
                {
                    timeZone = calendar.TimeZone.Id,
                    workDays = calendar.WorkDays.Order().Select(d => d.ToString()[..3].ToLowerInvariant()),
                    hours = calendar.Hours.Select(h => $"{h.Start:HH\\:mm}-{h.End:HH\\:mm}"),
                    holidays = calendar.Holidays.Order(),
                    extraWorkDays = calendar.ExtraWorkDays.Order(),
                },
                defaults = new { deadline = table.DefaultDeadline, verify = table.VerifyDefault },
                routes = table.Routes,
            });
        });

        // What routing would decide for a case filed now with this code in this grid.
        group.MapGet("/decide", Results<Ok<RouteDecision>, ValidationProblem> (
            RoutingCatalog routing, CaseCodeBook codes, [FromKeyedServices(CityOpsTime.Key)] TimeProvider time,
            string? code, string? grid, string? gridUnit, string? codeType, string? severity) =>
            string.IsNullOrEmpty(code) || code.Length > 16 || !code.All(char.IsAsciiDigit)
                ? Problems.Invalid("code", "code is a GB/T 30428 code (digits)")
                : codeType is not null && !WireNames.TryParse<CodeType>(codeType, out _) ? Problems.Invalid("codeType", "codeType is component or event")
                : severity is not null && !Severities.TryParse(severity, out _) ? Problems.Invalid("severity", Severities.Problem)
                : TypedResults.Ok(Decide(routing.Current, codes, code, grid, gridUnit, codeType, Severities.TryParse(severity, out var named) ? named : null, time.GetUtcNow())));

        return app;
    }

    private static RouteDecision Decide(RoutingTable table, CaseCodeBook codes, string code, string? grid, string? gridUnit, string? codeType, Severity? severity, DateTimeOffset now)
    {
        var (type, resolved) = codes.Resolve(code, WireNames.TryParse<CodeType>(codeType, out var given) ? given : null);
        return table.Decide(resolved, grid, gridUnit, now, type, severity, codes);
    }
}
