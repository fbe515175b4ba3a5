using System.Globalization;

namespace CityOps.Api.Endpoints;

/// <summary>
/// A case as an Open311 GeoReport v2 service request, field by field in the spec's order; the same list
/// is written as JSON and as XML, so both shapes always carry the same data.
/// </summary>
internal static class Open311Fields
{
    public static IReadOnlyList<(string Name, object? Value)> Of(CaseSnapshot c) =>
    [
        ("service_request_id", c.Id),
        ("status", Status(c)),
        ("status_notes", StatusNotes(c)),
        ("service_name", c.Category),
        ("service_code", c.Code),
        ("description", c.Title),
        ("agency_responsible", c.Unit),
        ("service_notice", c.Overdue ? "overdue" : null),
        ("requested_datetime", Time(c.OpenedAt)),
        ("updated_datetime", Time(c.UpdatedAt)),
        ("expected_datetime", c.DueAt is { } due ? Time(due) : null),
        ("address", c.Grid is null ? null : "unit grid " + c.Grid),
        ("address_id", c.Grid),
        ("zipcode", null),
        ("lat", c.Lat),
        ("long", c.Lon),
        ("media_url", null),
    ];

    public static IReadOnlyList<(string Name, object? Value)> Service(CaseCode code) =>
    [
        ("service_code", code.Code),
        ("service_name", code.Name),
        ("description", $"{(code.Type == CodeType.Component ? "部件" : "事件")} {code.Code} {code.Name} (GB/T 30428)"),
        ("metadata", false),
        ("type", "realtime"),
        ("keywords", $"{code.Name},{WireNames.Of(code.Type)}"),
        ("group", code.Group is null ? null : $"{(code.Type == CodeType.Component ? "部件" : "事件")}·{code.Group}"),
    ];

    /// <summary>Open311's two statuses: 结案 and 作废 are <c>closed</c>, every other status <c>open</c>.</summary>
    public static string Status(CaseSnapshot c) => c.Status is CaseStatus.Closed or CaseStatus.Cancelled ? "closed" : "open";

    /// <summary>ISO 8601 with offset, as the spec asks (2026-07-20T08:15:00+00:00).</summary>
    public static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static string? StatusNotes(CaseSnapshot c)
    {
        var last = c.History.LastOrDefault(e => e.To is not null);
        return last is null ? null : last.Note is null ? $"{last.Type} by {last.Actor}" : $"{last.Type} by {last.Actor}: {last.Note}";
    }
}
