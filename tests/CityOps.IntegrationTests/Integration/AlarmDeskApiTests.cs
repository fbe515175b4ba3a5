using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CityOps.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CityOps.Tests.Integration;

/// <summary>
/// The alarm desk on a real CityOps process: a storm where only orange and red gauges file cases, acknowledge / file /
/// dismiss over HTTP with roles, the upkeep queue, and the alarm stream resumed with Last-Event-ID after a crash.
/// </summary>
public sealed class AlarmDeskApiTests(AlarmDeskFixture fixture, ITestOutputHelper output) : IClassFixture<AlarmDeskFixture>
{
    private static readonly double[] StormDepths = [20, 30, 45, 55]; // blue, yellow, orange, red

    private HttpClient Dispatcher => fixture.Client(DispatchApiFixture.DispatcherKey);

    [Fact]
    public async Task Storm_of_100_gauges_files_cases_only_for_the_orange_and_red_ones()
    {
        var at = DateTimeOffset.UtcNow;
        await using (var devices = await Devices.ConnectAsync(fixture.BrokerPort))
        {
            for (var i = 0; i < 100; i++)
            {
                await devices.PublishAsync($"city/waterlog/STORM-{i:D3}/telemetry", Devices.Reading(at, 1, "depth_cm", StormDepths[i % 4]));
            }
        }

        var storm = await WaitForStormAsync(a => true, 100);
        await WaitForStormAsync(a => (string?)a["disposition"] == "filed", 50);
        storm = await WaitForStormAsync(a => true, 100);
        var filed = storm.Count(a => (string?)a["disposition"] == "filed");
        var waiting = storm.Count(a => (string?)a["disposition"] == "pending");
        var cases = await Devices.WaitForCasesAsync(fixture.App.Http, "pageSize=500&code=0406", 50, TimeSpan.FromSeconds(30));
        var stormCases = cases.Where(c => ((string?)c!["deviceId"])!.StartsWith("STORM-", StringComparison.Ordinal)).ToList();
        output.WriteLine($"storm: {storm.Count} alarms raised, {filed} filed at once, {waiting} waiting for confirmation, {stormCases.Count} cases");

        Assert.Equal((100, 50, 50, 50), (storm.Count, filed, waiting, stormCases.Count));
        Assert.All(stormCases, c => Assert.Contains((string?)c!["severity"], new[] { "orange", "red" }));
        Assert.All(stormCases, c => Assert.Single(c!["alarmIds"]!.AsArray()));
        Assert.All(storm.Where(a => (string?)a["disposition"] == "filed"), a => Assert.Contains((string?)a["severity"], new[] { "orange", "red" }));
        Assert.Equal(25, storm.Count(a => (string?)a["severity"] == "red"));
    }

    [Fact]
    public async Task Acknowledge_file_and_dismiss_over_http_with_roles()
    {
        var blue = await RaiseAsync("DESK-A", "depth_cm", 20);
        var yellow = await RaiseAsync("DESK-B", "depth_cm", 30);
        var viewer = fixture.Client(DispatchApiFixture.ViewerKey);

        // Viewers read, dispatchers act.
        var read = await viewer.GetFromJsonAsync<JsonObject>($"/api/v1/alarms/{blue}");
        Assert.Equal(("active", "pending", false, "blue"), ((string?)read!["status"], (string?)read["disposition"], (bool)read["acknowledged"]!, (string?)read["severity"]));
        using (var forbidden = await viewer.PostAsJsonAsync($"/api/v1/alarms/{blue}/actions", new { action = "acknowledge" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }

        // The history names the key that acted; whom it says it acts for is only a note.
        var acknowledged = await ActAsync(blue, new { action = "acknowledge", by = "monitor-1", note = "watching the camera" }, HttpStatusCode.OK);
        Assert.Equal((true, "dispatcher"), ((bool)acknowledged["acknowledged"]!, (string?)acknowledged["acknowledgedBy"]));
        Assert.Contains(acknowledged["history"]!.AsArray(), e => (string?)e!["note"] == "watching the camera; on behalf of monitor-1");
        await ActAsync(blue, new { action = "acknowledge" }, HttpStatusCode.Conflict);

        // 核实立案: the case is filed now, and knows its alarm.
        var filed = await ActAsync(blue, new { action = "file", by = "monitor-1", note = "confirmed on camera" }, HttpStatusCode.OK);
        var caseId = (string?)filed["caseId"];
        Assert.Equal("filed", (string?)filed["disposition"]);
        var @case = await viewer.GetFromJsonAsync<JsonObject>($"/api/v1/cases/{caseId}");
        Assert.Equal(blue, (string?)@case!["alarmIds"]![0]);
        var refused = await ActAsync(blue, new { action = "dismiss", reason = "误报" }, HttpStatusCode.Conflict);
        Assert.Contains("filed", (string?)refused["detail"], StringComparison.Ordinal);

        // Dismissal needs a reason; once dismissed, the alarm cannot be filed.
        await ActAsync(yellow, new { action = "dismiss" }, HttpStatusCode.BadRequest);
        var dismissed = await ActAsync(yellow, new { action = "dismiss", reason = "误报: 洒水车经过", by = "monitor-2" }, HttpStatusCode.OK);
        Assert.Equal(("dismissed", "误报: 洒水车经过"), ((string?)dismissed["disposition"], (string?)dismissed["dismissReason"]));
        await ActAsync(yellow, new { action = "file" }, HttpStatusCode.Conflict);
        await ActAsync(yellow, new { action = "escalate" }, HttpStatusCode.BadRequest);
        Assert.True(await Devices.MetricAsync(fixture.App.Http, "cityops_alarms_dismissed_total", "rule=\"depth\"") >= 1);
        Assert.Empty(await Devices.CasesAsync(fixture.App.Http, "deviceId=DESK-B"));
        using var missing = await Dispatcher.PostAsJsonAsync("/api/v1/alarms/al-nope/actions", new { action = "acknowledge" });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Device_health_alarms_go_to_the_upkeep_queue_and_never_file()
    {
        var battery = await RaiseAsync("DESK-C", "battery_pct", 8);

        var queue = await Dispatcher.GetFromJsonAsync<JsonObject>("/api/v1/maintenance?deviceId=DESK-C");
        var item = Assert.Single(queue!["items"]!.AsArray());
        Assert.Equal((battery, "maintenance"), ((string?)item!["id"], (string?)item["disposition"]));
        await ActAsync(battery, new { action = "file" }, HttpStatusCode.Conflict);
        using (var close = await Dispatcher.PostAsJsonAsync($"/api/v1/maintenance/{battery}/actions", new { action = "close", by = "upkeep-1", note = "battery swapped" }))
        {
            Assert.Equal(HttpStatusCode.OK, close.StatusCode);
        }

        Assert.Empty(await Devices.CasesAsync(fixture.App.Http, "deviceId=DESK-C"));
        Assert.Equal(0, await TotalAsync("/api/v1/alarms?deviceId=DESK-C&disposition=pending"));
    }

    [Fact]
    public async Task Alarm_stream_resumes_with_Last_Event_ID_after_a_crash()
    {
        string alarm = "";
        var live = await SseClient.ReadAsync(fixture.App.Http, "/api/v1/alarms/stream", null, 1, TimeSpan.FromSeconds(30), async () =>
            alarm = await RaiseAsync("DESK-D", "depth_cm", 20));
        Assert.Equal("alarm.raised", live[0].Event);
        Assert.Equal(alarm, (string?)JsonNode.Parse(live[0].Data)!["alarm"]!["id"]);

        await ActAsync(alarm, new { action = "acknowledge", by = "monitor-1" }, HttpStatusCode.OK);
        await fixture.App.KillAsync();
        await fixture.App.StartAsync();
        await ActAsync(alarm, new { action = "dismiss", reason = "无需立案", by = "monitor-1" }, HttpStatusCode.OK);

        var resumed = await SseClient.ReadAsync(fixture.App.Http, "/api/v1/alarms/stream", live[0].Id, 2, TimeSpan.FromSeconds(30));
        Assert.Equal(["alarm.acknowledged", "alarm.dismissed"], resumed.Select(e => e.Event));
        Assert.All(resumed, e => Assert.Equal(alarm, (string?)JsonNode.Parse(e.Data)!["alarm"]!["id"]));
        Assert.True(long.Parse(resumed[0].Id!, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(live[0].Id!, System.Globalization.CultureInfo.InvariantCulture));
    }

    // Publishes one reading and returns the id of the alarm it raised.
    private async Task<string> RaiseAsync(string device, string metric, double value)
    {
        await using (var devices = await Devices.ConnectAsync(fixture.BrokerPort))
        {
            await devices.PublishAsync($"city/waterlog/{device}/telemetry", Devices.Reading(DateTimeOffset.UtcNow, 1, metric, value));
        }

        await WaitForAsync($"/api/v1/alarms?deviceId={device}", 1, TimeSpan.FromSeconds(30));
        var page = await fixture.App.Http.GetFromJsonAsync<JsonObject>($"/api/v1/alarms?deviceId={device}");
        return (string)page!["items"]![0]!["id"]!;
    }

    private async Task<JsonObject> ActAsync(string alarm, object body, HttpStatusCode expected)
    {
        using var response = await Dispatcher.PostAsJsonAsync($"/api/v1/alarms/{alarm}/actions", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode} {text}");
        if (expected != HttpStatusCode.OK)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        return JsonNode.Parse(text)!.AsObject();
    }

    // The storm's alarms (other tests of the class raise alarms of the same rule on other devices).
    private async Task<List<JsonObject>> WaitForStormAsync(Func<JsonObject, bool> which, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var page = await fixture.App.Http.GetFromJsonAsync<JsonObject>("/api/v1/alarms?ruleId=depth&pageSize=500");
            var storm = page!["items"]!.AsArray().Select(a => a!.AsObject())
                .Where(a => ((string?)a["deviceId"])!.StartsWith("STORM-", StringComparison.Ordinal)).ToList();
            if (storm.Count(which) >= count || DateTime.UtcNow > deadline)
            {
                return storm;
            }

            await Task.Delay(100);
        }
    }

    private async Task<int> TotalAsync(string path) => (int)(await fixture.App.Http.GetFromJsonAsync<JsonObject>(path))!["total"]!;

    private async Task<int> WaitForAsync(string path, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var total = await TotalAsync(path);
            if (total >= count || DateTime.UtcNow > deadline)
            {
                return total;
            }

            await Task.Delay(100);
        }
    }
}
