using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CityOps.Api.Endpoints;
using CityOps.Api.Reports;
using CityOps.Grains;
using CityOps.Grains.Dispatch;
using CityOps.Grains.Storage;
using CityOps.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CityOps.Tests.Kpis;

/// <summary>
/// The KPI and report endpoints over HTTP, in this process, over a real SQLite case store holding the November city
/// (so w4, untouched since October, must come back from the store as a carried-over case) and a clock on December 3rd.
/// </summary>
public sealed class KpiApiTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("kpi-api");
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var store = new DbCaseStore(StoreDatabase.Sqlite(_folder.Combine("cityops.db")), Options.Create(new DispatchOptions()));
        foreach (var c in NovemberCity.Month())
        {
            await store.SaveAsync(c);
        }

        var port = FreePort.Next();
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["CityOps:Kpis:TimeZone"] = "UTC" });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.AddCityOpsApi();
        builder.Services.AddSingleton<ICaseStore>(store);
        builder.Services.AddKeyedSingleton<TimeProvider>(CityOpsTime.Key, new FakeTimeProvider(NovemberCity.Now));
        _app = builder.Build();
        _app.UseExceptionHandler();
        _app.MapKpiEndpoints();
        _app.MapReportEndpoints();
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    private const string November = "from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z";

    [Fact]
    public async Task Kpis_per_unit_and_district_include_the_case_carried_over_from_october()
    {
        var report = await _http.GetFromJsonAsync<JsonObject>($"/api/v1/kpis?{November}&level=district");

        var water = report!["units"]!.AsArray().Single(u => (string?)u!["unit"] == NovemberCity.Water)!;
        Assert.Equal((9, 2, 7, 2, 0.7778), ((int)water["toHandle"]!, (int)water["carriedOver"]!, (int)water["handled"]!, (int)water["overdueUnhandled"]!, (double)water["handleRate"]!));
        Assert.Equal(["320582", "320583"], report["areas"]!.AsArray().Select(a => (string?)a!["area"]));
        Assert.Equal(15, (int)report["overall"]!["toHandle"]!);
    }

    [Fact]
    public async Task Ranking_puts_roads_first()
    {
        var ranking = await _http.GetFromJsonAsync<JsonObject>($"/api/v1/kpis/ranking?{November}");

        Assert.Equal("unit", (string?)ranking!["level"]);
        Assert.Equal([("roads", 1, 100.0), ("lights", 2, 57.5), ("water", 3, 54.13)],
            ranking["ranking"]!.AsArray().Select(r => ((string)r!["name"]!, (int)r["rank"]!, (double)r["score"]!)));
    }

    [Fact]
    public async Task Monthly_report_answers_json_csv_and_a_printable_page()
    {
        var json = await _http.GetFromJsonAsync<JsonObject>("/api/v1/reports/monthly?period=2026-11");
        Assert.Equal(("monthly", "2026-11"), ((string?)json!["kind"], (string?)json["period"]));
        Assert.Equal(["roads", "lights", "water"], json["ranking"]!.AsArray().Select(r => (string?)r!["name"]));

        using var csv = await _http.GetAsync("/api/v1/reports/monthly?period=2026-11&format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.Equal("cityops-monthly-2026-11.csv", csv.Content.Headers.ContentDisposition!.FileName);
        var lines = Encoding.UTF8.GetString(await csv.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("2026-11,unit,roads,1,100,", lines[2], StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/reports/monthly?period=2026-11");
        request.Headers.Accept.ParseAdd("text/html");
        using var html = await _http.SendAsync(request);
        Assert.Equal("text/html", html.Content.Headers.ContentType!.MediaType);
        Assert.Equal(ReportHtml.Policy, html.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("CityOps 月报 2026-11", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Weekly_report_of_week_47_carries_w4_over()
    {
        var json = await _http.GetFromJsonAsync<JsonObject>("/api/v1/reports/weekly?period=2026-W47");

        var water = json!["ranking"]!.AsArray().Single(r => (string?)r!["name"] == NovemberCity.Water)!["row"]!;
        Assert.Equal((3, 1, 2), ((int)water["toHandle"]!, (int)water["carriedOver"]!, (int)water["overdueUnhandled"]!));
        Assert.Equal("2026-11-16T00:00:00+00:00", (string?)json["from"]);
    }

    [Theory]
    [InlineData("/api/v1/reports/monthly?period=2026-13", "period")]
    [InlineData("/api/v1/reports/weekly?period=2026-11", "period")]
    [InlineData("/api/v1/reports/yearly?period=2026", "kind")]
    [InlineData("/api/v1/reports/monthly?format=xlsx", "format")]
    [InlineData("/api/v1/kpis?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z", "from")]
    [InlineData("/api/v1/kpis?level=city", "level")]
    [InlineData("/api/v1/kpis/ranking?grid=32x", "grid")]
    public async Task Bad_queries_answer_400_problem_json_naming_the_field(string path, string field)
    {
        using var response = await _http.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.NotNull(problem!["errors"]![field]);
    }
}
