using System.Globalization;
using CityOps.Grains;
using CityOps.Grains.Cases;
using CityOps.Grains.Storage;
using CityOps.Grains.Zones;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityOps.Api.Endpoints;

/// <summary><c>/api/v1/cases</c>: cases (案件) and their workflow.</summary>
public static class CaseEndpoints
{
    private static readonly string[] Severities = ["blue", "yellow", "orange", "red"];

    public static IEndpointRouteBuilder MapCaseEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/cases").WithTags("Cases");

        group.MapGet("/", async Task<Results<Ok<Page<CaseSnapshot>>, ValidationProblem>> (
            ICaseStore store, string? status, string? code, string? unit, string? grid, string? deviceId,
            DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize) =>
        {
            if (status is not null && !CaseStatus.All.Contains(status))
            {
                return Problems.Invalid("status", $"status is one of {string.Join(", ", CaseStatus.All)}");
            }

            if (page is < 1 || pageSize is < 1 or > 500)
            {
                return Problems.Invalid("page", "page starts at 1; pageSize is 1-500");
            }

            return TypedResults.Ok(await store.QueryAsync(new CaseQuery(status, code, unit, grid, deviceId, from, to, page ?? 1, pageSize ?? 50)));
        });

        group.MapGet("/stream", CaseStream.Handle)
            .WithSummary("Server-sent events of every case change; resume with Last-Event-ID")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");

        group.MapGet("/{id}", async Task<Results<Ok<CaseSnapshot>, ProblemHttpResult>> (string id, IGrainFactory grains) =>
            IsCaseId(id) && await grains.GetGrain<ICaseGrain>(id).Get() is { } found
                ? TypedResults.Ok(found)
                : Problems.NotFound($"No case '{id}'."));

        group.MapPost("/{id}/actions", async Task<Results<Ok<CaseSnapshot>, ProblemHttpResult, ValidationProblem>> (
            string id, CaseActionRequest request, IGrainFactory grains, HttpContext context) =>
        {
            if (request.Action is null || !CaseWorkflow.Actions.Contains(request.Action))
            {
                return Problems.Invalid("action", $"action is one of {string.Join(", ", CaseWorkflow.Actions)}");
            }

            if (request.Action == "postpone" && request.DueAt is null)
            {
                return Problems.Invalid("dueAt", "postpone needs the new dueAt");
            }

            if (request.Note is { Length: > 2000 } || request.Unit is { Length: > 100 } || request.By is { Length: > 100 })
            {
                return Problems.Invalid("note", "note is at most 2000 characters; unit and by at most 100");
            }

            if (!IsCaseId(id))
            {
                return Problems.NotFound($"No case '{id}'.");
            }

            var result = await grains.GetGrain<ICaseGrain>(id).Act(
                new CaseAction(request.Action, request.Unit, request.Note, request.By ?? context.User.Identity?.Name ?? "api", request.DueAt));
            return result switch
            {
                { Case: { } updated } => TypedResults.Ok(updated),
                { NotFound: true } => Problems.NotFound(result.Error!),
                _ => Problems.Conflict(result.Error!),
            };
        });

        group.MapPost("/", async Task<Results<Created<CaseSnapshot>, ValidationProblem>> (
            CaseRequest request, IGrainFactory grains, ZoneMap zones, TimeProvider time, HttpContext context) =>
        {
            var errors = new Dictionary<string, string[]>();
            if (string.IsNullOrWhiteSpace(request.Code) || request.Code.Length > 16 || !request.Code.All(char.IsAsciiDigit))
            {
                errors["code"] = ["code is a GB/T 30428 部件/事件 code (digits)"];
            }

            if (string.IsNullOrWhiteSpace(request.Title) || request.Title.Length > 200)
            {
                errors["title"] = ["title is required, at most 200 characters"];
            }

            if (request.Severity is not null && !Severities.Contains(request.Severity))
            {
                errors["severity"] = ["severity is blue, yellow, orange or red"];
            }

            if (request.Lat is { } la && (la is < -90 or > 90) || request.Lon is { } lo && (lo is < -180 or > 180) || request.Lat is null != request.Lon is null)
            {
                errors["lat"] = ["lat/lon are WGS84 and go together"];
            }

            if (errors.Count > 0)
            {
                return Problems.Invalid(errors);
            }

            var now = time.GetUtcNow();
            var cell = request.Lat is { } lat && request.Lon is { } lon ? zones.Current.Locate(lat, lon) : null;
            var id = now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexString(Guid.NewGuid().ToByteArray(), 0, 3).ToLowerInvariant();
            var filed = await grains.GetGrain<ICaseGrain>(id).File(new CaseFiling(
                CaseCodes.Normalize(request.Code!), request.Title!, request.Severity ?? "yellow", request.DeviceId, null,
                request.Lat, request.Lon, cell?.Code, request.Unit ?? cell?.Unit, null, now, request.By ?? context.User.Identity?.Name ?? "api", request.Note,
                UnitFixed: request.Unit is not null));
            return TypedResults.Created($"/api/v1/cases/{id}", filed);
        });

        return app;
    }

    private static bool IsCaseId(string id) => id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
