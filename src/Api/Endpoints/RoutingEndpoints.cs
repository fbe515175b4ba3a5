using CityOps.Grains;
using CityOps.Grains.Routing;
using Microsoft.AspNetCore.Http.HttpResults;

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
            RoutingCatalog routing, [FromKeyedServices(CityOpsTime.Key)] TimeProvider time, string? code, string? grid, string? gridUnit) =>
            string.IsNullOrEmpty(code) || code.Length > 16 || !code.All(char.IsAsciiDigit)
                ? Problems.Invalid("code", "code is a GB/T 30428 code (digits)")
                : TypedResults.Ok(routing.Current.Decide(code, grid, gridUnit, time.GetUtcNow())));

        return app;
    }
}
