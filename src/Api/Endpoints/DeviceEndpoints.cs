using CityOps.Ingest;
using CityOps.Rules;
using Microsoft.Extensions.Options;

namespace CityOps.Api.Endpoints;

/// <summary><c>/api/v1/devices</c>: the device registry.</summary>
public static class DeviceEndpoints
{
    private const int DefaultPageSize = 100;

    public static IEndpointRouteBuilder MapDeviceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/devices").WithTags("Devices");

        group.MapPut("/{id}", RegisterDevice).WithName("RegisterDevice").WithSummary("Register or update a device; attribute values may be strings, numbers or booleans");

        group.MapPost("/import", async Task<Results<Ok<ImportResult>, ValidationProblem>> (
            HttpRequest http, IGrainFactory grains, KindCatalog kinds) =>
        {
            using var reader = new StreamReader(http.Body);
            var text = await reader.ReadToEndAsync(http.HttpContext.RequestAborted);
            var errors = new Dictionary<string, string[]>();
            var isJson = http.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true || text.TrimStart().StartsWith('{');
            var registrations = DeviceImport.Validate(text, isJson, kinds.Kinds, errors);
            if (errors.Count == 0)
            {
                // Parents once every row is valid: a parent whose own row is broken is that row's problem, not "missing".
                await DeviceImport.CheckParentsAsync(registrations, grains, errors);
            }

            // All or nothing: a file with a bad row changes nothing, and every problem is reported at once.
            if (errors.Count > 0)
            {
                return Problems.Invalid(errors, "Nothing was imported.");
            }

            await DeviceImport.RegisterAsync(grains, registrations, http.HttpContext.RequestAborted);
            return TypedResults.Ok(new ImportResult(registrations.Count));
        }).Accepts<string>("text/csv", "application/geo+json", "application/json");

        group.MapGet("/{id}", GetDevice).WithName("GetDevice").WithSummary("A device: registry data, grid, unit, online, last metrics, active alarms");
        group.MapGet("/", ListDevices).WithName("ListDevices").WithSummary("Devices by kind, grid and online state, paged");

        return app;
    }

    private static async Task<Results<Ok<DeviceSnapshot>, ValidationProblem>> RegisterDevice(
        string id, DeviceRequest request, IGrainFactory grains, KindCatalog kinds)
    {
        var errors = new Dictionary<string, string[]>();
        var registration = DeviceValidation.Validate(id, request, kinds.Kinds, errors);
        if (registration is null)
        {
            return Problems.Invalid(errors);
        }

        if (registration.Attributes.GetValueOrDefault(DeviceParents.Attribute) is { } parent && await DeviceParents.ProblemAsync(id, parent, grains) is { } problem)
        {
            return Problems.Invalid("attributes." + DeviceParents.Attribute, problem);
        }

        return TypedResults.Ok(await grains.GetGrain<IDeviceGrain>(id).Register(registration));
    }

    private static async Task<Results<Ok<DeviceSnapshot>, ProblemHttpResult>> GetDevice(string id, IGrainFactory grains) =>
        DeviceValidation.IsDeviceId(id) && await grains.GetGrain<IDeviceGrain>(id).Get() is { } device
            ? TypedResults.Ok(device)
            : Problems.NotFound($"No device '{id}'.");

    private static async Task<Results<Ok<Page<DeviceSnapshot>>, ValidationProblem>> ListDevices(
        IDeviceDirectory directory, string? kind, string? grid, bool? online, [AsParameters] Paging paging) =>
        paging.Problem(DefaultPageSize) is { } problem
            ? problem
            : TypedResults.Ok(await directory.QueryAsync(new DeviceQuery(kind, grid, online, paging.PageOrFirst, paging.SizeOr(DefaultPageSize))));

    public sealed record ImportResult(int Imported);
}
