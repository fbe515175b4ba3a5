using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CityOps.Tests.Integration;

/// <summary><c>GET /api/v1/kpis</c> over HTTP (the arithmetic itself is in KpiCalculatorTests).</summary>
[Collection(DispatchApiCollection.Name)]
public sealed class KpiApiTests(DispatchApiFixture city)
{
    [Fact]
    public async Task Kpis_count_a_units_cases_of_the_period()
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

        var kpis = Assert.Single(report!["units"]!.AsArray())!;
        Assert.Equal(unit, (string?)kpis["unit"]);
        Assert.Equal((2, 1, 1, 0.5, 0.5), ((int)kpis["toHandle"]!, (int)kpis["handled"]!, (int)kpis["closed"]!, (double)kpis["closeRate"]!, (double)kpis["onTimeCloseRate"]!));
    }

    [Fact]
    public async Task Kpis_with_from_after_to_answer_400()
    {
        using var response = await city.App.Http.GetAsync("/api/v1/kpis?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
