namespace CityOps.Api.Endpoints;

/// <summary>
/// <c>/api/v1/incidents</c> (CONTRACT §8): the incidents that grouped alarms of one cause, read from the incident store
/// (no grain is activated). Their events are on the alarm stream (<c>incident.opened</c>, <c>incident.updated</c>, <c>incident.cleared</c>).
/// </summary>
public static class IncidentEndpoints
{
    public static IEndpointRouteBuilder MapIncidentEndpoints(this IEndpointRouteBuilder app)
    {
        var incidents = app.MapGroup("/api/v1/incidents").WithTags("Incidents");
        incidents.MapGet("/", ListIncidents).WithName("ListIncidents").WithSummary("Incidents, newest first (status=open|cleared, ruleId=, group=)");
        incidents.MapGet("/{id}", GetIncident).WithName("GetIncident").WithSummary("One incident with its members and their positions");
        return app;
    }

    private static async Task<Results<Ok<Page<IncidentSnapshot>>, ValidationProblem>> ListIncidents(
        IIncidentStore store, string? status, string? ruleId, string? group, [AsParameters] Paging paging)
    {
        IncidentStatus? parsed = status switch
        {
            null or "" or "all" => null,
            "open" => IncidentStatus.Open,
            "cleared" => IncidentStatus.Cleared,
            _ => (IncidentStatus)(-1),
        };
        if (parsed is (IncidentStatus)(-1))
        {
            return Problems.Invalid("status", "status is open, cleared or all");
        }

        if (paging.Problem(Paging.DefaultPageSize) is { } pagingProblem)
        {
            return pagingProblem;
        }

        return TypedResults.Ok(await store.QueryAsync(new IncidentQuery(parsed, ruleId, group, paging.PageOrFirst, paging.SizeOr(Paging.DefaultPageSize))));
    }

    private static async Task<Results<Ok<IncidentSnapshot>, ProblemHttpResult>> GetIncident(string id, IIncidentStore store) =>
        id.Length <= 64 && await store.FindAsync(id) is { } found ? TypedResults.Ok(found) : Problems.NotFound($"No incident '{id}'.");
}
