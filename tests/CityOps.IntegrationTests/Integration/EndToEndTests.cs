using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MQTTnet;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace CityOps.Tests.Integration;

/// <summary>MQTT readings through a real mosquitto into a real CityOps process, read back over HTTP.</summary>
public sealed class EndToEndTests(CityOpsFixture city, ITestOutputHelper output) : IClassFixture<CityOpsFixture>
{
    private HttpClient Http => city.App.Http;

    [Fact]
    public async Task Reading_over_threshold_published_with_qos1_raises_a_case_visible_in_the_api()
    {
        using var registered = await Http.PutAsJsonAsync("/api/v1/devices/WL-E2E-1", new { kind = "waterlog", name = "胜利街下穿", lat = 35.305, lon = 113.905 });
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        await using var devices = await Devices.ConnectAsync(city.Broker.Port);

        var clock = Stopwatch.StartNew();
        await devices.PublishAsync("city/waterlog/WL-E2E-1/telemetry", Devices.Reading(DateTimeOffset.UtcNow, 1, "depth_cm", 55.5));
        var cases = await Devices.WaitForCasesAsync(Http, "deviceId=WL-E2E-1", 1, TimeSpan.FromSeconds(10));
        var latency = clock.Elapsed;

        output.WriteLine($"publish → case visible in GET /api/v1/cases: {latency.TotalMilliseconds:0} ms");
        var raised = Assert.Single(cases)!;
        Assert.Equal("filed", (string?)raised["status"]);
        Assert.Equal("red", (string?)raised["severity"]);
        Assert.Equal("0406", (string?)raised["code"]);
        Assert.Equal("410702001001001", (string?)raised["grid"]);
        Assert.Equal("water-east", (string?)raised["unit"]);
        Assert.Equal(55.5, (double?)raised["value"]);
        Assert.True((bool?)raised["alarmActive"]);
        Assert.True(latency < TimeSpan.FromSeconds(1), $"case visible after {latency.TotalMilliseconds} ms");

        var one = await Http.GetFromJsonAsync<JsonObject>($"/api/v1/cases/{raised["id"]}");
        Assert.Equal((string?)raised["id"], (string?)one!["id"]);
        var device = await Http.GetFromJsonAsync<JsonObject>("/api/v1/devices/WL-E2E-1");
        Assert.Equal("410702001001001", (string?)device!["grid"]);
        Assert.Equal(55.5, (double?)device["last"]!["depth_cm"]);
        Assert.Single(device["alarms"]!.AsArray());
    }

    [Fact]
    public async Task Thousand_malformed_messages_among_good_ones_change_nothing_but_the_rejected_counter()
    {
        await using var devices = await Devices.ConnectAsync(city.Broker.Port);
        var deadLetters = new List<string>();
        using var watcher = new MqttClientFactory().CreateMqttClient();
        watcher.ApplicationMessageReceivedAsync += e =>
        {
            lock (deadLetters)
            {
                deadLetters.Add(e.ApplicationMessage.ConvertPayloadToString());
            }

            return Task.CompletedTask;
        };
        await watcher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", city.Broker.Port).Build());
        await watcher.SubscribeAsync("cityops/deadletter");

        var readingsBefore = await Devices.MetricAsync(Http, "cityops_ingest_readings_total");
        var rejectedBefore = await Devices.MetricAsync(Http, "cityops_ingest_rejected_total");
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        string[] bad =
        [
            "not json",
            """{"metrics":{"depth_cm":"NaN"}}""",
            """{"metrics":{"depth_cm":{"nested":1}}}""",
            """{"ts":"2999-01-01T00:00:00Z","metrics":{"depth_cm":99}}""",
            "{\"metrics\":{\"depth_cm\":99}," + new string(' ', 70 * 1024) + "}",
        ];
        var good = 0;
        for (var i = 0; i < 1000; i++)
        {
            if (i % 5 == 0)
            {
                await devices.PublishAsync("city/waterlog/WL-MIX-1/telemetry", Devices.Reading(start.AddSeconds(i), i, "depth_cm", 3));
                good++;
            }

            var topic = i % 7 == 0 ? "city/waterlog/bad id!/telemetry" : "city/waterlog/WL-MIX-1/telemetry";
            await devices.PublishAsync(topic, bad[i % bad.Length], i % 2 == 0 ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce);
        }

        await Devices.WaitForMetricAsync(Http, "cityops_ingest_readings_total", readingsBefore + good, TimeSpan.FromSeconds(20));
        await Devices.WaitForMetricAsync(Http, "cityops_ingest_rejected_total", rejectedBefore + 1000, TimeSpan.FromSeconds(20));

        Assert.Equal(readingsBefore + good, await Devices.MetricAsync(Http, "cityops_ingest_readings_total"));
        Assert.Equal(rejectedBefore + 1000, await Devices.MetricAsync(Http, "cityops_ingest_rejected_total"));
        Assert.True(await Devices.MetricAsync(Http, "cityops_ingest_rejected_total", "reason=\"future_timestamp\"") >= 100);
        Assert.Empty(await Devices.CasesAsync(Http, "deviceId=WL-MIX-1"));
        var device = await Http.GetFromJsonAsync<JsonObject>("/api/v1/devices/WL-MIX-1");
        Assert.Equal(3, (double?)device!["last"]!["depth_cm"]);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && deadLetters.Count < 1000)
        {
            await Task.Delay(50);
        }

        lock (deadLetters)
        {
            Assert.Equal(1000, deadLetters.Count);
            Assert.Contains(deadLetters, d => d.Contains("\"reason\":\"not_json\"", StringComparison.Ordinal));
            Assert.Contains(deadLetters, d => d.Contains("\"reason\":\"bad_topic\"", StringComparison.Ordinal));
            Assert.Contains(deadLetters, d => d.Contains("\"reason\":\"too_large\"", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Case_moves_through_the_workflow_and_an_invalid_action_answers_409_problem_json()
    {
        await using var devices = await Devices.ConnectAsync(city.Broker.Port);
        using var registered = await Http.PutAsJsonAsync("/api/v1/devices/MH-E2E-1", new { kind = "manhole", lat = 35.305, lon = 113.915, code = "4107020102000001" });
        registered.EnsureSuccessStatusCode();
        await devices.PublishAsync("city/manhole/MH-E2E-1/telemetry", Devices.Reading(DateTimeOffset.UtcNow, 1, "tilt_deg", 30));
        var id = (string)Assert.Single(await Devices.WaitForCasesAsync(Http, "deviceId=MH-E2E-1", 1, TimeSpan.FromSeconds(10)))!["id"]!;

        using var early = await Http.PostAsJsonAsync($"/api/v1/cases/{id}/actions", new { action = "close", by = "inspector-7" });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Equal("application/problem+json", early.Content.Headers.ContentType?.MediaType);

        foreach (var action in new[] { "dispatch", "handle", "verify", "close" })
        {
            using var done = await Http.PostAsJsonAsync($"/api/v1/cases/{id}/actions", new { action, by = "inspector-7", note = "现场确认" });
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        }

        var closed = await Http.GetFromJsonAsync<JsonObject>($"/api/v1/cases/{id}");
        Assert.Equal("closed", (string?)closed!["status"]);
        Assert.Equal("roads-bureau", (string?)closed["unit"]);
        Assert.Equal("0102", (string?)closed["code"]);
        Assert.Equal(5, closed["history"]!.AsArray().Count);
        Assert.Single(await Devices.CasesAsync(Http, "deviceId=MH-E2E-1&status=closed"));

        using var unknown = await Http.PostAsJsonAsync("/api/v1/cases/no-such-case/actions", new { action = "dispatch" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Bad_registration_and_bad_import_answer_400_and_change_nothing()
    {
        using var badKind = await Http.PutAsJsonAsync("/api/v1/devices/X-1", new { kind = "toaster", lat = 95.0, lon = 113.9 });
        Assert.Equal(HttpStatusCode.BadRequest, badKind.StatusCode);
        var problem = await badKind.Content.ReadFromJsonAsync<JsonObject>();
        Assert.NotNull(problem!["errors"]!["kind"]);
        Assert.NotNull(problem["errors"]!["lat"]);

        const string csv = "id,kind,name,lat,lon,code\nIMP-1,waterlog,\"桥下, 东\",35.305,113.905,\nIMP-2,toaster,x,35.3,113.9,\n";
        using var badImport = await Http.PostAsync("/api/v1/devices/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, badImport.StatusCode);
        Assert.Contains("line 3", await badImport.Content.ReadAsStringAsync());
        using var notThere = await Http.GetAsync("/api/v1/devices/IMP-1");
        Assert.Equal(HttpStatusCode.NotFound, notThere.StatusCode);

        using var goodImport = await Http.PostAsync("/api/v1/devices/import", new StringContent(csv.Replace("toaster", "manhole"), Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, goodImport.StatusCode);
        var imported = await Http.GetFromJsonAsync<JsonObject>("/api/v1/devices/IMP-1");
        Assert.Equal("桥下, 东", (string?)imported!["name"]);
        Assert.Equal("410702001001001", (string?)imported["grid"]);
        var page = await Http.GetFromJsonAsync<JsonObject>("/api/v1/devices?kind=manhole&grid=410702001001001");
        Assert.Contains(page!["items"]!.AsArray(), d => (string?)d!["id"] == "IMP-2");
    }

    [Fact]
    public async Task Api_serves_rules_openapi_health_and_metrics()
    {
        var rules = await Http.GetFromJsonAsync<JsonObject>("/api/v1/rules");
        Assert.True((int?)rules!["version"] >= 1);
        Assert.Contains(rules["rules"]!.AsArray(), r => (string?)r!["id"] == "waterlog-depth");

        using var openApi = await Http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Contains("/api/v1/cases/{id}/actions", await openApi.Content.ReadAsStringAsync());

        var health = await Http.GetFromJsonAsync<JsonObject>("/healthz");
        Assert.Equal("healthy", (string?)health!["status"]);

        var metrics = await Http.GetStringAsync("/metrics");
        Assert.Contains("cityops_ingest_readings_total", metrics);
        Assert.Contains("cityops_cases_raised_total", metrics);
    }
}
