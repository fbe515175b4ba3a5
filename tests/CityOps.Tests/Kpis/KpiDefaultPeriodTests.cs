using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CityOps.Api.Endpoints;
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
/// <c>GET /api/v1/kpis</c> without <c>from</c>: the current month in the city's zone, not in UTC. At 2026-11-30T16:30Z it
/// is already December in Shanghai, so the report starts on 1 December, 00:00 +08:00.
/// </summary>
public sealed class KpiDefaultPeriodTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 16, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("Asia/Shanghai", null, "2026-11-30T16:00:00Z")]
    [InlineData("Asia/Shanghai", "UTC", "2026-11-01T00:00:00Z")]
    [InlineData("America/New_York", null, "2026-11-01T04:00:00Z")]
    public async Task Without_from_the_period_is_the_current_month_in_the_city_zone(string cityZone, string? kpiZone, string expectedFrom)
    {
        using var folder = new TempFolder("kpi-period");
        var port = FreePort.Next();
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["CityOps:TimeZone"] = cityZone, ["CityOps:Kpis:TimeZone"] = kpiZone });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.AddCityOpsApi();
        builder.Services.Configure<CityOptions>(builder.Configuration.GetSection(CityOptions.Section));
        builder.Services.AddSingleton<ICaseStore>(new DbCaseStore(StoreDatabase.Sqlite(folder.Combine("cityops.db")), Options.Create(new DispatchOptions())));
        builder.Services.AddKeyedSingleton<TimeProvider>(CityOpsTime.Key, new FakeTimeProvider(Now));
        await using var app = builder.Build();
        app.MapKpiEndpoints();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };

        foreach (var path in new[] { "/api/v1/kpis", "/api/v1/kpis/ranking" })
        {
            var report = await http.GetFromJsonAsync<JsonObject>(path);

            Assert.Equal((DateTimeOffset.Parse(expectedFrom, System.Globalization.CultureInfo.InvariantCulture), Now), ((DateTimeOffset)report!["from"]!, (DateTimeOffset)report["to"]!));
        }
    }
}
