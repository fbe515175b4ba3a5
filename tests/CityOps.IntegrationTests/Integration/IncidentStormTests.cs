using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CityOps.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CityOps.Tests.Integration;

/// <summary>
/// Incidents on a real CityOps process (CONTRACT §8): 200 gauges in 5 catchments flooded within a minute make 5 incidents
/// and 5 cases, not 200; every alarm is a member, and the incident events are on the alarm stream's log.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class IncidentStormTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Catchments = 5;
    private const int GaugesPerCatchment = 40;

    private readonly TempFolder _folder = new("incident-storm");
    private CityOpsProcess _app = null!;

    private HttpClient Http => _app.Http;

    public async Task InitializeAsync() => _app = await DispatchCity.StartAsync(_folder, rulesYaml: IncidentRules.Yaml);

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Two_hundred_gauges_in_five_catchments_flooded_within_a_minute_make_five_incidents_and_five_cases()
    {
        var gauges = new List<(string Id, string Catchment)>();
        for (var c = 0; c < Catchments; c++)
        {
            for (var g = 0; g < GaugesPerCatchment; g++)
            {
                var id = $"FLOOD-{c}-{g:D2}";
                gauges.Add((id, "catchment-" + c));
                using var put = await Http.PutAsJsonAsync($"/api/v1/devices/{id}", new
                {
                    kind = "waterlog", name = id, lat = 35.30 + (c * 0.01), lon = 113.90 + (g * 0.001),
                    attributes = new Dictionary<string, string> { ["catchment"] = "catchment-" + c },
                });
                put.EnsureSuccessStatusCode();
            }
        }

        // The storm: every gauge crosses orange within a minute (stamped over 50 s), then rises once more.
        var started = Stopwatch.StartNew();
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        await using (var devices = await Devices.ConnectAsync(int.Parse(_app.Settings["CityOps:Mqtt:EmbeddedPort"], System.Globalization.CultureInfo.InvariantCulture)))
        {
            for (var round = 0; round < 2; round++)
            {
                for (var i = 0; i < gauges.Count; i++)
                {
                    var ts = at.AddSeconds((i % GaugesPerCatchment * 1.25) + (round * 55));
                    await devices.PublishAsync($"city/waterlog/{gauges[i].Id}/telemetry", Devices.Reading(ts, round + 1, "depth_cm", 42 + (round * 4)));
                }
            }
        }

        var incidents = await WaitForAsync("/api/v1/incidents?status=open&pageSize=500",
            items => items.Count(i => (int)i["count"]! == GaugesPerCatchment) >= Catchments, TimeSpan.FromSeconds(60));
        var alarms = await WaitForAsync("/api/v1/alarms?ruleId=depth&pageSize=500",
            items => items.Count(a => a["incidentId"] is not null && a["caseId"] is not null) >= gauges.Count, TimeSpan.FromSeconds(30));
        var cases = (await Devices.CasesAsync(Http, "pageSize=500&code=0406")).Select(c => c!.AsObject())
            .Where(c => ((string?)c["deviceId"])!.StartsWith("FLOOD-", StringComparison.Ordinal)).ToList();
        output.WriteLine($"200-gauge storm: {alarms.Count} alarms raised, {incidents.Count} incidents, {cases.Count} cases filed, settled in {started.Elapsed.TotalSeconds:0.0} s");

        Assert.Equal(Catchments, incidents.Count);
        Assert.Equal(Enumerable.Range(0, Catchments).Select(c => "catchment-" + c), incidents.Select(i => (string)i["group"]!).Order());
        Assert.All(incidents, i => Assert.Equal((GaugesPerCatchment, "orange", "catchment-flood"), ((int)i["count"]!, (string?)i["severity"], (string?)i["ruleId"])));
        Assert.Equal(gauges.Count, alarms.Count);
        Assert.Equal(Catchments, cases.Count);
        Assert.Equal(incidents.Select(i => (string)i["caseId"]!).Order(), cases.Select(c => (string)c["id"]!).Order());
        Assert.All(alarms, a => Assert.Equal("filed", (string?)a["disposition"]));
        Assert.Equal(Catchments, alarms.Select(a => (string?)a["caseId"]).Distinct().Count());

        // One incident in full: its members with their positions, its case with incidentId and every alarm id.
        var one = (await Http.GetFromJsonAsync<JsonObject>($"/api/v1/incidents/{(string)incidents[0]["id"]!}"))!;
        Assert.Equal(GaugesPerCatchment, one["members"]!.AsArray().Count);
        Assert.All(one["members"]!.AsArray(), m => Assert.NotNull(m!["lat"]));
        var @case = (await Http.GetFromJsonAsync<JsonObject>($"/api/v1/cases/{(string)one["caseId"]!}"))!;
        Assert.Equal((string?)one["id"], (string?)@case["incidentId"]);
        Assert.Equal(GaugesPerCatchment, @case["alarmIds"]!.AsArray().Count);
        Assert.Equal($"{(string?)one["group"]} 多点积水 ({GaugesPerCatchment} 处)", (string?)@case["title"]);
        Assert.Equal(Catchments, await Devices.MetricAsync(Http, "cityops_incidents_opened_total"));
    }

    private async Task<List<JsonObject>> WaitForAsync(string path, Func<List<JsonObject>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var page = await Http.GetFromJsonAsync<JsonObject>(path);
            var items = page!["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
            if (done(items) || DateTime.UtcNow > deadline)
            {
                return items;
            }

            await Task.Delay(200);
        }
    }
}
