using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CityOps.Api.Demo;
using CityOps.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CityOps.Tests.Demo;

/// <summary>
/// The demo storm on a real CityOps process (<c>--demo</c> played at <see cref="Speed"/> times real time,
/// <c>CityOps:Demo:Speed</c>: CityOps' clock and the readings' stamps run that fast together): the flooded catchment's
/// gauges and covers make one incident and one case, the cabinet without power one case with every lamp it feeds held
/// (suppressed), the frozen gauge a sensor-fault upkeep alarm and no case; everything else files what the scenario's
/// single events file. About seven demo minutes (the lamps' undervoltage rule waits 5), some 45 s.
/// </summary>
public sealed class DemoStormTests(ITestOutputHelper output)
{
    private const int Speed = 10;

    private static readonly string Samples = Path.Combine(RepoPaths.Root, "samples");
    private static readonly Scenario Plan = Scenario.Parse(File.ReadAllText(Path.Combine(Samples, "scenario.json")));

    [Fact]
    public async Task Demo_storm_makes_one_incident_one_cabinet_case_with_its_lamps_held_and_one_sensor_fault()
    {
        var devices = File.ReadLines(Path.Combine(Samples, "devices.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(f => f[0], f => (Kind: f[1], Attributes: f[6]));
        var flooded = $"catchment={Plan.Storm.Catchment}";
        var cabinet = Plan.Incidents.Single(i => i.Type == IncidentType.PowerLoss).Device;
        var frozen = Plan.Incidents.Single(i => i.Type == IncidentType.Frozen).Device;
        var floodedGauges = devices.Where(d => d.Value.Kind == "waterlog" && d.Value.Attributes == flooded).Select(d => d.Key).ToHashSet();
        var lamps = devices.Where(d => d.Value.Attributes == $"parent={cabinet}").Select(d => d.Key).ToHashSet();

        using var data = new TempFolder("demo-storm");
        await using var app = new CityOpsProcess(data.Path, new Dictionary<string, string>
        {
            ["CityOps:Mqtt:EmbeddedPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["CityOps:Demo:Speed"] = Speed.ToString(CultureInfo.InvariantCulture),
        }, "--demo");
        await app.StartAsync(TimeSpan.FromSeconds(120));
        var clock = Stopwatch.StartNew();

        // The frozen gauge's stored readings arrive first: six hours at 11.5 cm make its stuck fault at once.
        var stuck = await WaitForAsync(app, $"/api/v1/maintenance?deviceId={frozen}", items => items.Any(a => (string?)a["ruleId"] == "waterlog-stuck"), TimeSpan.FromSeconds(60));
        var seen = new Dictionary<string, TimeSpan> { ["sensor fault"] = clock.Elapsed };

        // Every gauge of the flooded catchment joins one incident, which files one case.
        var incidents = await WaitForAsync(app, "/api/v1/incidents?pageSize=50",
            items => items.Count > 0 && (string?)items[0]["caseId"] is not null && Members(items[0]).IsSupersetOf(floodedGauges), TimeSpan.FromSeconds(180));
        seen["incident"] = clock.Elapsed;

        // The cabinet's case, then every lamp it feeds in alarm (undervoltage after its 5 minutes) and held by the cabinet's alarm.
        var power = await WaitForAsync(app, $"/api/v1/alarms?deviceId={cabinet}&ruleId=cabinet-power-loss", items => items.Any(a => (string?)a["caseId"] is not null), TimeSpan.FromSeconds(180));
        seen["cabinet case"] = clock.Elapsed;
        var held = await WaitForAsync(app, "/api/v1/alarms?status=active&pageSize=500",
            items => lamps.IsSubsetOf(items.Where(a => (bool?)a["suppressed"] == true).Select(a => (string)a["deviceId"]!)), TimeSpan.FromSeconds(480));
        seen["lamps held"] = clock.Elapsed;

        var alarms = await AllAsync(app, "/api/v1/alarms?pageSize=500");
        var cases = await AllAsync(app, "/api/v1/cases?pageSize=500");
        incidents = await AllAsync(app, "/api/v1/incidents?pageSize=50");
        var incident = Assert.Single(incidents);
        var members = Members(incident);
        var lampAlarms = held.Where(a => lamps.Contains((string)a["deviceId"]!)).ToList();
        output.WriteLine($"after {clock.Elapsed.TotalSeconds:0} s at speed {Speed} ({string.Join(", ", seen.Select(s => $"{s.Key} at {s.Value.TotalSeconds:0} s"))}): "
            + $"{alarms.Count} alarms raised, {cases.Count} cases filed; the incident: {members.Count} alarms "
            + $"({members.Count(floodedGauges.Contains)} gauges, {members.Count(m => m.StartsWith("MH-", StringComparison.Ordinal))} covers), 1 case; "
            + $"the cabinet: 1 case, {lampAlarms.Count} lamp alarms held; the frozen gauge: {stuck.Count} upkeep alarm, no case");
        output.WriteLine("alarms by disposition: " + string.Join(", ", alarms.GroupBy(a => (bool?)a["suppressed"] == true ? "held" : (string?)a["disposition"]).Select(g => $"{g.Key} {g.Count()}")));
        output.WriteLine("cases: " + string.Join(", ", cases.Select(c => $"{c["deviceId"]}/{c["ruleId"]}")));

        // One incident, for the flooded catchment, with one case that every member shares.
        Assert.Equal((Plan.Storm.Catchment, "catchment-flood", "open"), ((string?)incident["group"], (string?)incident["ruleId"], (string?)incident["status"]));
        var incidentCase = (string)incident["caseId"]!;
        Assert.All(alarms.Where(a => (string?)a["incidentId"] == (string)incident["id"]!), a => Assert.Equal(incidentCase, (string?)a["caseId"]));
        Assert.All(members, m => Assert.Equal(flooded, devices[m].Attributes));
        Assert.Equal(incidentCase, (string?)Assert.Single(cases, c => (string?)c["code"] == "0406")["id"]);
        Assert.DoesNotContain(cases, c => (string)c["id"]! != incidentCase && (string?)c["ruleId"] is "waterlog-depth" or "manhole-overflow");

        // One case for the cabinet; its lamps' alarms are held by the cabinet's alarm and file nothing.
        var cabinetAlarm = Assert.Single(power);
        var cabinetCase = Assert.Single(cases, c => (string?)c["deviceId"] == cabinet);
        Assert.Equal(("cabinet-power-loss", (string?)cabinetAlarm["caseId"]), ((string?)cabinetCase["ruleId"], (string?)cabinetCase["id"]));
        Assert.All(lampAlarms, a => Assert.Equal(((string?)cabinetAlarm["id"], "pending"), ((string?)a["suppressedBy"], (string?)a["disposition"])));
        Assert.DoesNotContain(cases, c => lamps.Contains((string)c["deviceId"]!));

        // The frozen gauge: an upkeep alarm, no case, and it is in no incident.
        var fault = Assert.Single(stuck, a => (string?)a["ruleId"] == "waterlog-stuck");
        Assert.Equal("maintenance", (string?)fault["disposition"]);
        Assert.DoesNotContain(cases, c => (string?)c["deviceId"] == frozen);
        Assert.DoesNotContain(frozen, members);

        // Everything else is the scenario's single events, one case each (a drain filling under the storm may add its own).
        var single = Plan.Incidents.Where(i => i.Type is not (IncidentType.PowerLoss or IncidentType.Frozen or IncidentType.Silent)).Select(i => i.Device).ToHashSet();
        Assert.All(cases.Where(c => (string)c["id"]! != incidentCase && (string?)c["deviceId"] != cabinet),
            c => Assert.True(single.Contains((string)c["deviceId"]!) || (string?)c["ruleId"] == "drainage-fill", $"unexpected case {c["deviceId"]}/{c["ruleId"]}"));
        Assert.Equal(cases.Count, cases.Select(c => ((string?)c["deviceId"], (string?)c["ruleId"])).Distinct().Count());

        // The console says what each case is.
        Assert.Contains($"incident {(string)incident["id"]!}: one case for", app.Log, StringComparison.Ordinal);
        Assert.Contains("root cause: cabinet-power-loss holds", app.Log, StringComparison.Ordinal);
    }

    private static HashSet<string> Members(JsonObject incident) =>
        [.. incident["members"]!.AsArray().Select(m => (string)m!["deviceId"]!)];

    private static async Task<List<JsonObject>> AllAsync(CityOpsProcess app, string path)
    {
        var page = await app.Http.GetFromJsonAsync<JsonObject>(path);
        Assert.True((int)page!["total"]! <= page["items"]!.AsArray().Count, $"{path}: more than one page");
        return [.. page["items"]!.AsArray().Select(i => i!.AsObject())];
    }

    private static async Task<List<JsonObject>> WaitForAsync(CityOpsProcess app, string path, Func<List<JsonObject>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var items = await AllAsync(app, path);
            if (done(items))
            {
                return items;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{path} not there after {timeout}:\n{string.Join('\n', items.Take(20))}\n{app.Tail(30)}");
            await Task.Delay(250);
        }
    }
}
