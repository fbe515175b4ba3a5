using CityOps.Grains;
using CityOps.Grains.Storage;
using CityOps.Ingest;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CityOps.Api.Endpoints;

/// <summary><c>/api/v1/devices</c>: the device registry.</summary>
public static class DeviceEndpoints
{
    public static IEndpointRouteBuilder MapDeviceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/devices").WithTags("Devices");

        group.MapPut("/{id}", async Task<Results<Ok<DeviceSnapshot>, ValidationProblem>> (
            string id, DeviceRequest request, IGrainFactory grains, IOptions<MqttOptions> mqtt) =>
        {
            var errors = new Dictionary<string, string[]>();
            var registration = DeviceValidation.Validate(id, request, mqtt.Value.Kinds, errors);
            if (registration is null)
            {
                return Problems.Invalid(errors);
            }

            return TypedResults.Ok(await grains.GetGrain<IDeviceGrain>(id).Register(registration));
        });

        group.MapPost("/import", async Task<Results<Ok<ImportResult>, ValidationProblem>> (
            HttpRequest http, IGrainFactory grains, IOptions<MqttOptions> mqtt) =>
        {
            using var reader = new StreamReader(http.Body);
            var text = await reader.ReadToEndAsync(http.HttpContext.RequestAborted);
            var errors = new Dictionary<string, string[]>();
            var isJson = http.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true || text.TrimStart().StartsWith('{');
            var registrations = DeviceImport.Validate(text, isJson, mqtt.Value.Kinds, errors);

            // All or nothing: a file with a bad row changes nothing, and every problem is reported at once.
            if (errors.Count > 0)
            {
                return Problems.Invalid(errors, "Nothing was imported.");
            }

            await DeviceImport.RegisterAsync(grains, registrations, http.HttpContext.RequestAborted);
            return TypedResults.Ok(new ImportResult(registrations.Count));
        }).Accepts<string>("text/csv", "application/geo+json", "application/json");

        group.MapGet("/{id}", async Task<Results<Ok<DeviceSnapshot>, ProblemHttpResult>> (string id, IGrainFactory grains) =>
            DeviceValidation.DeviceId().IsMatch(id) && await grains.GetGrain<IDeviceGrain>(id).Get() is { } device
                ? TypedResults.Ok(device)
                : Problems.NotFound($"No device '{id}'."));

        group.MapGet("/", async Task<Results<Ok<Page<DeviceSnapshot>>, ValidationProblem>> (
            IDeviceDirectory directory, string? kind, string? grid, bool? online, int? page, int? pageSize) =>
        {
            if (page is < 1 || pageSize is < 1 or > 1000)
            {
                return Problems.Invalid("page", "page starts at 1; pageSize is 1-1000");
            }

            return TypedResults.Ok(await directory.QueryAsync(new DeviceQuery(kind, grid, online, page ?? 1, pageSize ?? 100)));
        });

        return app;
    }

    public sealed record ImportResult(int Imported);
}
