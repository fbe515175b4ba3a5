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
            var rows = isJson ? DeviceImport.ParseGeoJson(text, errors) : DeviceImport.ParseCsv(text, errors);
            if (rows.Count > DeviceImport.MaxDevices)
            {
                errors["devices"] = [$"at most {DeviceImport.MaxDevices} devices per import"];
            }

            var registrations = new List<(string Id, DeviceRegistration Registration)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (id, request, line) in rows)
            {
                var prefix = isJson ? $"features[{line}]." : $"line {line}.";
                if (!seen.Add(id))
                {
                    errors[prefix + "id"] = [$"duplicate id '{id}'"];
                }

                if (DeviceValidation.Validate(id, request, mqtt.Value.Kinds, errors, prefix) is { } registration)
                {
                    registrations.Add((id, registration));
                }
            }

            // All or nothing: a file with a bad row changes nothing, and every problem is reported at once.
            if (errors.Count > 0)
            {
                return Problems.Invalid(errors, "Nothing was imported.");
            }

            await Parallel.ForEachAsync(registrations, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = http.HttpContext.RequestAborted },
                async (item, _) => await grains.GetGrain<IDeviceGrain>(item.Id).Register(item.Registration));
            return TypedResults.Ok(new ImportResult(registrations.Count));
        }).Accepts<string>("text/csv", "application/geo+json", "application/json");

        group.MapGet("/{id}", async Task<Results<Ok<DeviceSnapshot>, ProblemHttpResult>> (string id, IGrainFactory grains) =>
            DeviceValidation.DeviceId().IsMatch(id) && await grains.GetGrain<IDeviceGrain>(id).Get() is { } device
                ? TypedResults.Ok(device)
                : Problems.NotFound($"No device '{id}'."));

        group.MapGet("/", Results<Ok<Page<DeviceSnapshot>>, ValidationProblem> (
            IDeviceDirectory directory, string? kind, string? grid, bool? online, int? page, int? pageSize) =>
        {
            if (page is < 1 || pageSize is < 1 or > 1000)
            {
                return Problems.Invalid("page", "page starts at 1; pageSize is 1-1000");
            }

            return TypedResults.Ok(directory.Query(new DeviceQuery(kind, grid, online, page ?? 1, pageSize ?? 100)));
        });

        return app;
    }

    public sealed record ImportResult(int Imported);
}
