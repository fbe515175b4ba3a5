using CityOps.Api.Security;

namespace CityOps.Api.Endpoints;

/// <summary>
/// <c>/api/v1/alarms</c>: the alarm desk (预警 before 立案, CONTRACT §7); <c>/api/v1/maintenance</c>: the device-upkeep queue
/// (alarms of <c>maintenance: true</c> rules). Lists read the alarm store; actions go to the alarm's device grain.
/// </summary>
public static class AlarmEndpoints
{
    public static IEndpointRouteBuilder MapAlarmEndpoints(this IEndpointRouteBuilder app)
    {
        var alarms = app.MapGroup("/api/v1/alarms").WithTags("Alarms");
        alarms.MapGet("/", (IAlarmStore store, string? status, string? severity, string? kind, string? ruleId, string? deviceId, string? zone, string? grid,
                bool? acknowledged, string? disposition, [AsParameters] Paging paging) =>
                Enum.TryParse<AlarmDisposition>(disposition, ignoreCase: true, out var parsed) || disposition is null
                    ? ListAlarms(store, status, severity, kind, ruleId, deviceId, zone, grid, acknowledged, paging, disposition is null ? null : parsed)
                    : Task.FromResult<Results<Ok<Page<AlarmSnapshot>>, ValidationProblem>>(Problems.Invalid("disposition", "disposition is pending, filed, dismissed or maintenance")))
            .WithName("ListAlarms").WithSummary("Alarms, newest first, with the filters of CONTRACT §7 (and disposition=)");
        alarms.MapGet("/stream", (HttpContext context, IAlarmStore store, CaseEventHub hub, long? lastEventId) =>
                EventLogStream.Handle(context, store.EventsAfterAsync, store.LastSequenceAsync, hub, lastEventId))
            .WithName("AlarmStream")
            .WithSummary("Server-sent events of every alarm change; resume with Last-Event-ID")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        alarms.MapGet("/{id}", GetAlarm).WithName("GetAlarm").WithSummary("One alarm");
        alarms.MapPost("/{id}/actions", (string id, AlarmActionRequest request, IAlarmStore store, IGrainFactory grains, HttpContext context) =>
                Act(id, request, store, grains, context, maintenance: false))
            .WithName("ActOnAlarm").WithSummary("acknowledge, file (核实立案) or dismiss (reason required)");

        var upkeep = app.MapGroup("/api/v1/maintenance").WithTags("Maintenance");
        upkeep.MapGet("/", (IAlarmStore store, string? status, string? kind, string? deviceId, string? grid, bool? acknowledged, [AsParameters] Paging paging) =>
                ListAlarms(store, status ?? "active", null, kind, null, deviceId, null, grid, acknowledged, paging, AlarmDisposition.Maintenance))
            .WithName("ListMaintenance").WithSummary("The device-upkeep queue: alarms of maintenance rules (active unless status= says otherwise)");
        upkeep.MapPost("/{id}/actions", (string id, AlarmActionRequest request, IAlarmStore store, IGrainFactory grains, HttpContext context) =>
                Act(id, request, store, grains, context, maintenance: true))
            .WithName("ActOnMaintenance").WithSummary("acknowledge or close an upkeep alarm");
        return app;
    }

    private static async Task<Results<Ok<Page<AlarmSnapshot>>, ValidationProblem>> ListAlarms(
        IAlarmStore store, string? status, string? severity, string? kind, string? ruleId, string? deviceId, string? zone, string? grid,
        bool? acknowledged, Paging paging, AlarmDisposition? disposition = null)
    {
        AlarmStatus? parsedStatus = status switch
        {
            null or "" or "all" => null,
            "active" => AlarmStatus.Active,
            "cleared" => AlarmStatus.Cleared,
            _ => (AlarmStatus)(-1),
        };
        if (parsedStatus is (AlarmStatus)(-1))
        {
            return Problems.Invalid("status", "status is active or cleared");
        }

        Severity? parsedSeverity = null;
        if (severity is not null)
        {
            if (!Severities.TryParse(severity, out var named))
            {
                return Problems.Invalid("severity", Severities.Problem);
            }

            parsedSeverity = named;
        }

        if (paging.Problem(Paging.DefaultPageSize) is { } pagingProblem)
        {
            return pagingProblem;
        }

        return TypedResults.Ok(await store.QueryAsync(new AlarmQuery(
            parsedStatus, parsedSeverity, kind, ruleId, deviceId, zone, grid, acknowledged, disposition, paging.PageOrFirst, paging.SizeOr(Paging.DefaultPageSize))));
    }

    private static async Task<Results<Ok<AlarmSnapshot>, ProblemHttpResult>> GetAlarm(string id, IAlarmStore store) =>
        IsAlarmId(id) && await store.FindAsync(id) is { } found ? TypedResults.Ok(found) : Problems.NotFound($"No alarm '{id}'.");

    private static async Task<Results<Ok<AlarmSnapshot>, ProblemHttpResult, ValidationProblem>> Act(
        string id, AlarmActionRequest request, IAlarmStore store, IGrainFactory grains, HttpContext context, bool maintenance)
    {
        AlarmActionKind? action = (request.Action, maintenance) switch
        {
            ("acknowledge", _) => AlarmActionKind.Acknowledge,
            ("close", true) => AlarmActionKind.Close,
            ("file", false) => AlarmActionKind.File,
            ("dismiss", false) => AlarmActionKind.Dismiss,
            _ => null,
        };
        if (action is null)
        {
            return Problems.Invalid("action", maintenance ? "action is acknowledge or close" : "action is acknowledge, file or dismiss");
        }

        if (action == AlarmActionKind.Dismiss && string.IsNullOrWhiteSpace(request.Reason))
        {
            return Problems.Invalid("reason", "dismiss needs a reason (误报, 无需立案, ...): dismissals are kept and counted per rule");
        }

        if (request.Note is { Length: > 2000 } || request.Reason is { Length: > 2000 } || request.By is { Length: > 100 })
        {
            return Problems.Invalid("note", "note and reason are at most 2000 characters; by at most 100");
        }

        if (!IsAlarmId(id) || await store.FindAsync(id) is not { } alarm)
        {
            return Problems.NotFound($"No alarm '{id}'.");
        }

        if (maintenance && alarm.Disposition != AlarmDisposition.Maintenance)
        {
            return Problems.NotFound($"No upkeep alarm '{id}' (it is on the alarm desk: /api/v1/alarms/{id}).");
        }

        var (actor, onBehalfOf) = Roles.Actor(context.User, request.By);
        var result = await grains.GetGrain<IDeviceGrain>(alarm.DeviceId).ActOnAlarm(id,
            new AlarmAction(action.Value, actor, onBehalfOf is null ? request.Note : $"{request.Note}{(request.Note is null ? "" : "; ")}on behalf of {onBehalfOf}", request.Reason?.Trim()));
        return result switch
        {
            { Alarm: { } updated } => TypedResults.Ok(updated),
            { NotFound: true } => Problems.NotFound(result.Error!),
            _ => Problems.Conflict(result.Error!),
        };
    }

    private static bool IsAlarmId(string id) => id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
