using System.Globalization;

namespace CityOps.Api.Endpoints;

/// <summary>
/// <c>/open311/v2</c>: the Open311 GeoReport v2 view of cases (read only), in XML (the spec's) and JSON.
/// A case is a service request: <c>code</c> → <c>service_code</c>, <c>unit</c> → <c>agency_responsible</c>,
/// <c>dueAt</c> → <c>expected_datetime</c>; closed (结案) and cancelled (作废) → <c>closed</c>, any other status → <c>open</c>.
/// One service per typed code (部件 and 事件 tables), its group the major class of its own table.
/// </summary>
public static class Open311Endpoints
{
    private const int MaxRequests = 1000;
    private static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(90);

    public static IEndpointRouteBuilder MapOpen311Endpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/open311/v2").WithTags("Open311");

        group.MapGet("/services.{format}", (string format, CaseCodeBook codes) =>
            IsFormat(format)
                ? Open311Writer.Write(format, "services", "service", codes.All.Select(Open311Fields.Service))
                : NotFound());

        group.MapGet("/requests.{format}", async (
            string format, ICaseStore store, [FromKeyedServices(CityOpsTime.Key)] TimeProvider time,
            string? service_request_id, string? service_code, string? status, DateTimeOffset? start_date, DateTimeOffset? end_date) =>
        {
            if (!IsFormat(format))
            {
                return NotFound();
            }

            if (status is not null && List(status).Any(s => s is not "open" and not "closed"))
            {
                return Open311Writer.Error(format, 400, "status is open or closed (comma-separated)");
            }

            if (service_request_id is not null)
            {
                var ids = List(service_request_id);
                if (ids.Count > MaxRequests)
                {
                    return Open311Writer.Error(format, 400, $"at most {MaxRequests} service_request_id values");
                }

                var found = new List<CaseSnapshot>();
                foreach (var id in ids)
                {
                    if (await store.FindAsync(id) is { } snapshot)
                    {
                        found.Add(snapshot);
                    }
                }

                return Open311Writer.Write(format, "service_requests", "request", found.Select(Open311Fields.Of));
            }

            // The spec's defaults: the last 90 days, at most 1000 requests, newest first.
            var end = end_date ?? time.GetUtcNow();
            var start = start_date ?? end - DefaultWindow;
            if (start >= end)
            {
                return Open311Writer.Error(format, 400, "start_date is before end_date");
            }

            var codes = service_code is null ? null : List(service_code).ToHashSet(StringComparer.Ordinal);
            var statuses = status is null ? null : List(status).ToHashSet(StringComparer.Ordinal);
            var cases = new List<CaseSnapshot>();
            for (var page = 1; cases.Count < MaxRequests; page++)
            {
                var batch = await store.QueryAsync(new CaseQuery(From: start, To: end, Page: page, PageSize: 500));
                cases.AddRange(batch.Items.Where(c =>
                    (codes is null || codes.Contains(c.Code))
                    && (statuses is null || statuses.Contains(Open311Fields.Status(c)))));
                if (batch.Items.Count < 500)
                {
                    break;
                }
            }

            return Open311Writer.Write(format, "service_requests", "request", cases.Take(MaxRequests).Select(Open311Fields.Of));
        });

        group.MapGet("/requests/{id}.{format}", async (string id, string format, ICaseStore store) =>
            !IsFormat(format) ? NotFound()
            : await store.FindAsync(id) is { } found ? Open311Writer.Write(format, "service_requests", "request", [Open311Fields.Of(found)])
            : Open311Writer.Error(format, 404, $"no service request '{id}'"));

        return app;
    }

    private static bool IsFormat(string format) => format is "json" or "xml";

    private static IResult NotFound() => Open311Writer.Error("json", 404, "format is json or xml");

    private static List<string> List(string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
