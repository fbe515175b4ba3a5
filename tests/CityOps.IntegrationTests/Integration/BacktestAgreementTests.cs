using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Integration;

/// <summary>
/// A live run through MQTT into a real CityOps with a real influxd, then a backtest over what InfluxDB stored:
/// the same evaluator must find exactly the cases the live run raised.
/// </summary>
public sealed class BacktestAgreementTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddHours(-2);
    private CityWithInflux _city = null!;

    private Mosquitto Broker => _city.Broker;

    private InfluxDb Influx => _city.Influx;

    private CityOpsProcess App => _city.App;

    public async Task InitializeAsync() => _city = await CityWithInflux.StartAsync();

    [Fact]
    public async Task Backtest_over_stored_telemetry_finds_exactly_the_cases_the_live_run_raised()
    {
        // Gauges rise through the ladder, clear, rise again; a cover tilts and rights itself.
        var series = new Dictionary<string, (string Kind, string Metric, double[] Values)>
        {
            ["WL-BT-1"] = ("waterlog", "depth_cm", [10, 20, 30, 45, 10, 8, 60, 55, 5]),
            ["WL-BT-2"] = ("waterlog", "depth_cm", [16, 17, 14, 16]),
            ["WL-BT-3"] = ("waterlog", "depth_cm", [3, 13, 4]),
            ["MH-BT-1"] = ("manhole", "tilt_deg", [1, 12, 2, 1, 15]),
        };
        var sent = 0;
        await using (var devices = await Devices.ConnectAsync(Broker.Port))
        {
            foreach (var (id, (kind, metric, values)) in series)
            {
                for (var i = 0; i < values.Length; i++)
                {
                    await devices.PublishAsync($"city/{kind}/{id}/telemetry", Devices.Reading(T0.AddMinutes(i), i + 1, metric, values[i]));
                    sent++;
                }
            }
        }

        // Stored is not judged: InfluxDB's writer and the device grains take each reading apart. Wait for both, the
        // dispatcher counting a reading once its grain has judged it and filed (or changed) its case.
        await Devices.WaitForMetricAsync(App.Http, "cityops_influx_points_written_total", sent, TimeSpan.FromSeconds(30));
        await Devices.WaitForMetricAsync(App.Http, "cityops_ingest_readings_total", sent, TimeSpan.FromSeconds(30));
        var live = new List<JsonNode>();
        foreach (var id in series.Keys)
        {
            live.AddRange((await Devices.CasesAsync(App.Http, "deviceId=" + id)).Select(c => c!));
        }

        Assert.True(live.Count >= 4, $"{live.Count} cases");
        var form = new Dictionary<string, string> { ["from"] = T0.AddMinutes(-1).ToString("O"), ["to"] = T0.AddHours(1).ToString("O") };
        using var response = await App.Http.PostAsync("/api/v1/rules/backtest", new FormUrlEncodedContent(form));
        var backtest = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(response.IsSuccessStatusCode, backtest.ToJsonString());
        Assert.Equal("influxdb", (string?)backtest["source"]);
        Assert.Equal(sent, (int)backtest["readings"]!);

        static string Key(string? device, string? rule, DateTimeOffset opened, string? severity, double? peak, bool active) =>
            $"{device} {rule} {opened:O} {severity} {peak} {(active ? "active" : "cleared")}";
        var expected = live.Select(c => Key((string?)c["deviceId"], (string?)c["ruleId"], (DateTimeOffset)c["openedAt"]!, (string?)c["severity"], (double?)c["peak"], (bool)c["alarmActive"]!)).Order();
        var replayed = backtest["cases"]!.AsArray().Select(c => Key((string?)c!["deviceId"], (string?)c["ruleId"], (DateTimeOffset)c["openedAt"]!, (string?)c["severity"], (double?)c["peak"], c["clearedAt"] is null)).Order();
        Assert.Equal(expected, replayed);

        // A candidate ladder with the blue line at 12 cm, against the rules in force on the same readings.
        var candidate = TestCity.Rules.Replace("{ severity: blue,   above: 15 }", "{ severity: blue,   above: 12 }", StringComparison.Ordinal);
        Assert.NotEqual(TestCity.Rules, candidate);
        form["rules"] = candidate;
        using var compared = await App.Http.PostAsync("/api/v1/rules/backtest", new FormUrlEncodedContent(form));
        var comparison = (await compared.Content.ReadFromJsonAsync<JsonObject>())!["comparison"]!;
        Assert.Empty(comparison["removed"]!.AsArray());
        Assert.Equal(live.Count, comparison["changed"]!.AsArray().Count + (int)comparison["unchanged"]!);
        Assert.Contains(comparison["added"]!.AsArray(), c => (string?)c!["deviceId"] == "WL-BT-3");
        // WL-BT-1 clears later (below 9 cm instead of 12) but it is the same alarm: changed, not added and removed.
        Assert.Contains(comparison["changed"]!.AsArray(), c => (string?)c!["candidate"]!["deviceId"] == "WL-BT-1");
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();
}
