using CityOps.Grains.Zones;

namespace CityOps.Api.Endpoints;

/// <summary><c>/api/v1/zones</c>: unit grids and geofences as one GeoJSON FeatureCollection.</summary>
public static class ZoneEndpoints
{
    public static IEndpointRouteBuilder MapZoneEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/zones").WithTags("Zones");

        group.MapPut("/", async Task<Results<Ok<ZoneSummary>, ValidationProblem>> (HttpRequest http, ZoneMap zones) =>
        {
            using var reader = new StreamReader(http.Body);
            var errors = await zones.ReplaceAsync(await reader.ReadToEndAsync(http.HttpContext.RequestAborted));
            if (errors.Count > 0)
            {
                return Problems.Invalid(new Dictionary<string, string[]> { ["features"] = [.. errors] }, "The zones in force are unchanged.");
            }

            return TypedResults.Ok(Summary(zones.Current));
        }).Accepts<string>("application/geo+json", "application/json");

        group.MapGet("/", (ZoneMap zones) => Results.Text(zones.Current.Source, "application/geo+json"));

        return app;
    }

    private static ZoneSummary Summary(ZoneSet set) => new(set.Version, set.GridCount, [.. set.Geofences]);

    public sealed record ZoneSummary(string Version, int Grids, IReadOnlyList<string> Geofences);
}
