using System.Globalization;
using CityOps.Api.Security;
using CityOps.Grains.Zones;

namespace CityOps.Api.Endpoints;

/// <summary><c>/api/v1/cases</c>: cases (案件) and their workflow.</summary>
public static class CaseEndpoints
{
    public static IEndpointRouteBuilder MapCaseEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/cases").WithTags("Cases");

        group.MapGet("/", ListCases).WithName("ListCases").WithSummary("Cases by status, code, unit, grid, device and time, newest first, paged");

        group.MapGet("/stream", CaseStream.Handle)
            .WithSummary("Server-sent events of every case change; resume with Last-Event-ID")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");

        group.MapGet("/{id}", async Task<Results<Ok<CaseSnapshot>, ProblemHttpResult>> (string id, IGrainFactory grains) =>
            IsCaseId(id) && await grains.GetGrain<ICaseGrain>(id).Get() is { } found
                ? TypedResults.Ok(found)
                : Problems.NotFound($"No case '{id}'."));

        group.MapPost("/{id}/actions", Act).WithName("ActOnCase").WithSummary("A workflow action: dispatch, handle, verify, close, rework, return, reassign, postpone and its request/decision, defer, resume, supervise, cancel");

        group.MapPost("/", File).WithName("FileCase").WithSummary("Files a case by hand (inspector, hotline, video, public)");

        return app;
    }

    private static async Task<Results<Ok<Page<CaseSnapshot>>, ValidationProblem>> ListCases(
        ICaseStore store, string? status, string? code, string? unit, string? grid, string? deviceId,
        DateTimeOffset? from, DateTimeOffset? to, [AsParameters] Paging paging)
    {
        CaseStatus? wanted = null;
        if (status is not null)
        {
            if (!WireNames.TryParse<CaseStatus>(status, out var parsed))
            {
                return Problems.Invalid("status", $"status is one of {string.Join(", ", WireNames.All<CaseStatus>())}");
            }

            wanted = parsed;
        }

        if (paging.Problem(Paging.DefaultPageSize) is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok(await store.QueryAsync(new CaseQuery(wanted, code, unit, grid, deviceId, from, to, paging.PageOrFirst, paging.SizeOr(Paging.DefaultPageSize))));
    }

    private static async Task<Results<Ok<CaseSnapshot>, ProblemHttpResult, ValidationProblem>> Act(
        string id, CaseActionRequest request, IGrainFactory grains, HttpContext context)
    {
        if (!WireNames.TryParse<CaseActionKind>(request.Action, out var action))
        {
            return Problems.Invalid("action", $"action is one of {string.Join(", ", CaseWorkflow.Actions)}");
        }

        if (action is CaseActionKind.Postpone or CaseActionKind.RequestPostpone && request.DueAt is null)
        {
            return Problems.Invalid("dueAt", $"{request.Action} needs the new dueAt");
        }

        if (action == CaseActionKind.Return && string.IsNullOrWhiteSpace(request.Reason ?? request.Note))
        {
            return Problems.Invalid("reason", "return needs a reason: why the case is not this unit's");
        }

        if (action == CaseActionKind.Reassign && string.IsNullOrWhiteSpace(request.Unit))
        {
            return Problems.Invalid("unit", "reassign needs the unit that takes the case over");
        }

        if (request.Level is { } level && level is < 1 or > CaseWorkflow.MaxSuperviseLevel)
        {
            return Problems.Invalid("level", $"level (督办) is 1 to {CaseWorkflow.MaxSuperviseLevel}");
        }

        if (request.Note is { Length: > 2000 } || request.Reason is { Length: > 2000 } || request.Unit is { Length: > 100 } || request.By is { Length: > 100 })
        {
            return Problems.Invalid("note", "note and reason are at most 2000 characters; unit and by at most 100");
        }

        if (!IsCaseId(id))
        {
            return Problems.NotFound($"No case '{id}'.");
        }

        var supervisor = Roles.Has(context.User, Capability.Supervise);
        if (CaseWorkflow.NeedsSupervisor(action) && !supervisor)
        {
            return Problems.Forbidden($"{request.Action} is a supervisor's decision; this key's role lacks the supervise capability.");
        }

        var (actor, onBehalfOf) = Roles.Actor(context.User, request.By);
        var result = await grains.GetGrain<ICaseGrain>(id).Act(
            new CaseAction(action, request.Unit, request.Note, actor, request.DueAt, onBehalfOf, request.Reason?.Trim(), request.Level, supervisor));
        return result switch
        {
            { Case: { } updated } => TypedResults.Ok(updated),
            { NotFound: true } => Problems.NotFound(result.Error!),
            { Forbidden: true } => Problems.Forbidden(result.Error!),
            _ => Problems.Conflict(result.Error!),
        };
    }

    private static async Task<Results<Created<CaseSnapshot>, ValidationProblem>> File(
        CaseRequest request, IGrainFactory grains, ZoneMap zones, CaseCodeBook codes, TimeProvider time, HttpContext context)
    {
        var errors = new Dictionary<string, string[]>();
        CodeType? codeType = null;
        if (request.CodeType is not null)
        {
            if (WireNames.TryParse<CodeType>(request.CodeType, out var parsedType))
            {
                codeType = parsedType;
            }
            else
            {
                errors["codeType"] = ["codeType is component (部件) or event (事件)"];
            }
        }

        var source = CaseSource.Other;
        if (request.Source is not null && (!WireNames.TryParse(request.Source, out source) || source == CaseSource.Iot))
        {
            errors["source"] = ["source is inspector, hotline, video, public or other (iot is for rules)"];
        }

        if (string.IsNullOrWhiteSpace(request.Code) || request.Code.Length is not (4 or 16) || !request.Code.All(char.IsAsciiDigit))
        {
            errors["code"] = ["code is a GB/T 30428 部件/事件 code: 4 digits, or a 16-digit component id"];
        }
        else if (!errors.ContainsKey("codeType") && codes.Resolve(request.Code, codeType) is var (type, code) && codes.Find(type, code) is null)
        {
            errors["code"] = [$"code {code} is not in the {(type == CodeType.Component ? "部件 (component)" : "事件 (event)")} table in force (CityOps:Codes)"];
        }

        if (string.IsNullOrWhiteSpace(request.Title) || request.Title.Length > 200)
        {
            errors["title"] = ["title is required, at most 200 characters"];
        }

        var severity = Severity.Yellow;
        if (request.Severity is not null && !Severities.TryParse(request.Severity, out severity))
        {
            errors["severity"] = [Severities.Problem];
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
        var (actor, onBehalfOf) = Roles.Actor(context.User, request.By);
        var filed = await grains.GetGrain<ICaseGrain>(id).File(new CaseFiling(
            request.Code!, request.Title!, severity, request.DeviceId, null,
            request.Lat, request.Lon, cell?.Code, request.Unit ?? cell?.Unit, null, now, actor,
            onBehalfOf is null ? request.Note : request.Note is null ? $"on behalf of {onBehalfOf}" : $"{request.Note}; on behalf of {onBehalfOf}",
            UnitFixed: request.Unit is not null, CodeType: codeType, Source: source));
        return TypedResults.Created($"/api/v1/cases/{id}", filed);
    }

    private static bool IsCaseId(string id) => id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
