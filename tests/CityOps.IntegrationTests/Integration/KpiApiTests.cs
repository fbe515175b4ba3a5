using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CityOps.Tests.Integration;

/// <summary>
/// <c>GET /api/v1/kpis</c> and the reports on a real CityOps process (the arithmetic is in tests/CityOps.Tests/Kpis,
/// against a hand-counted month).
/// </summary>
[Collection(DispatchApiCollection.Name)]
public sealed class KpiApiTests(DispatchApiFixture city)
{
    [Fact]
    public async Task Cases_inside_their_deadline_are_dispatched_but_not_yet_counted_as_due()
    {
        var http = city.App.Http;
        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O"));
        const string unit = "kpi-unit";
        var done = await DispatchCity.FileAsync(http, unit: unit);
        foreach (var action in new[] { "dispatch", "handle", "verify", "close" })
        {
            await DispatchCity.ActAsync(http, done, action);
        }

        var open = await DispatchCity.FileAsync(http, unit: unit);
        await DispatchCity.ActAsync(http, open, "dispatch");

        var report = await http.GetFromJsonAsync<JsonObject>($"/api/v1/kpis?from={from}&unit={unit}");

        // Both deadlines are hours away: the open case has not failed, and neither is 应处置 before its deadline falls.
        var kpis = Assert.Single(report!["units"]!.AsArray())!;
        Assert.Equal(unit, (string?)kpis["unit"]);
        Assert.Equal((2, 0, 0, 0), ((int)kpis["dispatched"]!, (int)kpis["toHandle"]!, (int)kpis["handled"]!, (int)kpis["overdueUnhandled"]!));
        Assert.Null(kpis["handleRate"]);
        Assert.Equal(1.0, (double)kpis["dispatchAccuracy"]!);

        using var csv = await http.GetAsync("/api/v1/reports/monthly?format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.Contains($",unit,{unit},", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kpis_with_from_after_to_answer_400()
    {
        using var response = await city.App.Http.GetAsync("/api/v1/kpis?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task A_report_for_a_period_that_is_not_one_answers_400_naming_period()
    {
        using var response = await city.App.Http.GetAsync("/api/v1/reports/weekly?period=2026-W99");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["period"]);
    }
}
