using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace CityOps.Tests.Integration;

/// <summary>The rule endpoints of a real CityOps process: validate, replace, versions with diffs, restore, file reloads.</summary>
public sealed class RuleApiTests(CityOpsFixture city) : IClassFixture<CityOpsFixture>
{
    private HttpClient Http => city.App.Http;

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    private async Task<int> VersionInForce() => (int)(await Http.GetFromJsonAsync<JsonObject>("/api/v1/rules"))!["version"]!;

    private async Task WaitForVersion(Func<int, bool> done)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!done(await VersionInForce()) && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Validate_answers_every_problem_with_file_line_and_column_and_changes_nothing()
    {
        var before = await VersionInForce();
        const string Rules = """
            rules:
              - id: off-route
                kind: vehicle
                outside: zone:nowhere
                where: "speed_kmh > 5 &&"
                levels: [ { severity: orange } ]
                case: { code: "2101", title: "偏离" }
            """;

        using var response = await Http.PostAsync("/api/v1/rules/validate?file=trucks.yaml", Yaml(Rules));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problems = (await response.Content.ReadFromJsonAsync<JsonObject>())!["problems"]!.AsArray();
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => (string?)p!["file"] == "trucks.yaml" && (int?)p["line"] == 4 && (int?)p["column"] == 14 && ((string?)p["message"])!.Contains("unknown zone 'nowhere'"));
        Assert.Contains(problems, p => (int?)p!["line"] == 5 && (int?)p["column"] == 29 && (string?)p["field"] == "rules[0].where");
        Assert.Equal(before, await VersionInForce());

        using var valid = await Http.PostAsync("/api/v1/rules/validate", Yaml(TestCity.Rules));
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);

        // Several files at once are one rule set: an id used in two of them is reported in the second.
        using var files = new MultipartFormDataContent
        {
            { new StringContent(TestCity.Rules), "files", "a.yaml" },
            { new StringContent(TestCity.Rules), "files", "b.yaml" },
        };
        using var duplicated = await Http.PostAsync("/api/v1/rules/validate", files);
        Assert.Equal(HttpStatusCode.BadRequest, duplicated.StatusCode);
        var duplicates = (await duplicated.Content.ReadFromJsonAsync<JsonObject>())!["problems"]!.AsArray();
        Assert.Equal(2, duplicates.Count);
        Assert.All(duplicates, p => Assert.Equal("b.yaml", (string?)p!["file"]));
    }

    [Fact]
    public async Task Versions_list_time_author_and_what_changed_and_an_earlier_one_can_be_restored()
    {
        var original = await VersionInForce();
        var changed = TestCity.Rules.Replace("above: 10 }", "above: 12 }", StringComparison.Ordinal) + """

              - id: waterlog-battery-low
                kind: waterlog
                metric: battery_pct
                levels: [ { severity: blue, below: 20 } ]
                case: { code: "0406", title: "电量低" }
            """;

        using var put = await Http.PutAsync("/api/v1/rules", Yaml(changed));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var refused = await Http.PutAsync("/api/v1/rules", Yaml("rules:\n  - id: x\n    kind: waterlog\n"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var versions = (await Http.GetFromJsonAsync<JsonArray>("/api/v1/rules/versions"))!;
        var latest = versions[0]!;
        Assert.Equal(original + 1, (int)latest["version"]!);
        Assert.Equal("api", (string?)latest["author"]);
        Assert.True((bool)latest["current"]!);
        Assert.Equal(["waterlog-battery-low"], latest["diff"]!["added"]!.AsArray().Select(a => (string?)a));
        Assert.Equal(["manhole-tilt"], latest["diff"]!["changed"]!.AsArray().Select(a => (string?)a));
        Assert.Contains("added waterlog-battery-low; changed manhole-tilt", (string?)latest["summary"]);
        Assert.Equal("file", (string?)versions.Last()!["author"]);

        using var restore = await Http.PostAsync($"/api/v1/rules/versions/{original}/restore", null);
        Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
        var restored = (await Http.GetFromJsonAsync<JsonArray>("/api/v1/rules/versions"))![0]!;
        Assert.Equal(original + 2, (int)restored["version"]!);
        Assert.Equal($"restores version {original}", (string?)restored["note"]);
        Assert.Equal(["waterlog-battery-low"], restored["diff"]!["removed"]!.AsArray().Select(a => (string?)a));

        using var missing = await Http.PostAsync("/api/v1/rules/versions/9999/restore", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Edited_rule_file_is_reloaded_and_a_broken_one_leaves_the_running_version_in_force()
    {
        var file = Path.Combine(city.RulesDir, "test.yaml");
        var before = await VersionInForce();

        await File.WriteAllTextAsync(file, TestCity.Rules.Replace("above: 10 }", "above: 11 }", StringComparison.Ordinal));
        await WaitForVersion(v => v > before);
        var reloaded = await VersionInForce();
        Assert.True(reloaded > before, city.App.Tail());

        await File.WriteAllTextAsync(file, TestCity.Rules.Replace("metric: tilt_deg", "metric: tilt", StringComparison.Ordinal));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!city.App.Log.Contains("unknown metric 'tilt'", StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(100);
        }

        Assert.Contains("unknown metric 'tilt'", city.App.Log);
        Assert.Equal(reloaded, await VersionInForce());

        await File.WriteAllTextAsync(file, TestCity.Rules);
        await WaitForVersion(v => v > reloaded);
        Assert.True(await VersionInForce() > reloaded);
    }

    [Fact]
    public async Task Backtest_replays_uploaded_csv_through_uploaded_rules()
    {
        var t0 = new DateTimeOffset(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);
        var csv = new StringBuilder("time,device,kind,depth_cm\n");
        foreach (var (minute, depth) in new[] { (0, 10), (1, 30), (2, 30), (3, 60), (4, 5), (5, 40) })
        {
            csv.Append(Utc(t0.AddMinutes(minute))).Append(",BT-1,waterlog,").Append(depth).Append('\n');
        }

        using var form = new MultipartFormDataContent
        {
            { new StringContent(csv.ToString()), "data", "storm.csv" },
            { new StringContent(TestCity.Rules), "rules", "candidate.yaml" },
            { new StringContent(Utc(t0.AddMinutes(5))), "to" },
        };

        using var response = await Http.PostAsync("/api/v1/rules/backtest", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(5, (int)body["readings"]!);
        var raised = Assert.Single(body["cases"]!.AsArray())!;
        Assert.Equal(("BT-1", "waterlog-depth", "red"), ((string?)raised["deviceId"], (string?)raised["ruleId"], (string?)raised["severity"]));
        Assert.Equal(t0.AddMinutes(1), (DateTimeOffset)raised["openedAt"]!);
        Assert.Equal(t0.AddMinutes(4), (DateTimeOffset)raised["clearedAt"]!);
        Assert.Equal(["raised", "escalated", "cleared"], raised["history"]!.AsArray().Select(e => (string?)e!["event"]));

        using var bad = await Http.PostAsync("/api/v1/rules/backtest", new MultipartFormDataContent { { new StringContent("x"), "rules" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Backtest_reports_the_incidents_and_suppressed_alarms_of_registered_devices_per_day()
    {
        // Registered: two gauges of one catchment, a lamp whose parent is a feeder lamp (the root cause).
        foreach (var (id, kind, attributes) in new[]
        {
            ("BT-G1", "waterlog", """{"catchment": "north"}"""), ("BT-G2", "waterlog", """{"catchment": "north"}"""),
            ("BT-FEED", "streetlight", "{}"), ("BT-L1", "streetlight", """{"parent": "BT-FEED"}"""),
        })
        {
            using var put = await Http.PutAsync($"/api/v1/devices/{id}", new StringContent(
                $$"""{"kind": "{{kind}}", "lat": 35.3, "lon": 113.9, "attributes": {{attributes}}}""", Encoding.UTF8, "application/json"));
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        const string Rules = """
            incidents:
              - { id: bt-flood, rules: [bt-depth], group: "attribute:catchment", within: 10m, min: 2, case: { code: "0406", title: "{zone.name} 积水" } }
            rules:
              - { id: bt-depth, kind: waterlog, metric: depth_cm, levels: [ { severity: orange, above: 40 } ], case: { code: "0406", title: "积水" } }
              - { id: bt-feed, kind: streetlight, metric: voltage_v, levels: [ { severity: orange, below: 100 } ], inhibits: [bt-under], case: { code: "0118", title: "失电" } }
              - { id: bt-under, kind: streetlight, metric: current_a, levels: [ { severity: yellow, below: 0.05 } ], case: { code: "0118", title: "不亮" } }
            """;
        var t0 = new DateTimeOffset(2026, 7, 20, 8, 0, 0, TimeSpan.FromHours(8));
        static string At(DateTimeOffset at) => at.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var csv = new StringBuilder("time,device,kind,depth_cm,voltage_v,current_a\n")
            .Append(At(t0)).Append(",BT-G1,waterlog,45,,\n")
            .Append(At(t0.AddMinutes(1))).Append(",BT-G2,waterlog,50,,\n")
            .Append(At(t0.AddMinutes(2))).Append(",BT-FEED,streetlight,,20,\n")
            .Append(At(t0.AddMinutes(3))).Append(",BT-L1,streetlight,,220,0\n");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(csv.ToString()), "data", "night.csv" },
            { new StringContent(Rules), "rules", "candidate.yaml" },
            { new StringContent(At(t0)), "from" },
            { new StringContent(At(t0.AddHours(1))), "to" },
        };

        using var response = await Http.PostAsync("/api/v1/rules/backtest", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(4, body["cases"]!.AsArray().Count); // one per alarm, as before
        var incident = Assert.Single(body["incidents"]!.AsArray())!;
        Assert.Equal(("bt-flood", "north", "orange", 2), ((string?)incident["ruleId"], (string?)incident["group"], (string?)incident["severity"], (int)incident["count"]!));
        Assert.Equal(t0.AddMinutes(1), (DateTimeOffset)incident["openedAt"]!);
        var suppressed = Assert.Single(body["suppressed"]!.AsArray())!;
        Assert.Equal(("BT-L1", "bt-under", "BT-FEED", "bt-feed"), ((string?)suppressed["deviceId"], (string?)suppressed["ruleId"],
            (string?)suppressed["suppressedBy"]!["deviceId"], (string?)suppressed["suppressedBy"]!["ruleId"]));
        var day = Assert.Single(body["days"]!.AsArray())!;
        Assert.Equal("""{"day":"2026-07-20","alarms":4,"incidents":1,"suppressed":1,"suppressedBy":{"bt-feed":1}}""", day.ToJsonString());
    }

    [Fact]
    public async Task Backtest_holds_the_alarms_the_desks_silences_matched_and_replays_flapping()
    {
        var now = DateTimeOffset.UtcNow;
        var t0 = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(-30);
        using var created = await Http.PostAsJsonAsync("/api/v1/silences", new { deviceId = "BT-S1", startsAt = t0.AddMinutes(-5), endsAt = t0.AddMinutes(90), reason = "检修", by = "engineer" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var silenceId = (string?)(await created.Content.ReadFromJsonAsync<JsonObject>())!["id"];

        const string Rules = """
            rules:
              - { id: bt-s-depth, kind: waterlog, metric: depth_cm, levels: [ { severity: orange, above: 40 } ], case: { code: "0406", title: "积水" } }
              - { id: bt-s-gas, kind: manhole, metric: gas_ch4_lel, levels: [ { severity: yellow, above: 10 } ], flapping: { changes: 4, within: 10m }, case: { code: "0111", title: "燃气" } }
            """;
        var csv = new StringBuilder("time,device,kind,depth_cm,gas_ch4_lel\n")
            .Append(Utc(t0)).Append(",BT-S1,waterlog,45,\n")
            .Append(Utc(t0)).Append(",BT-S2,waterlog,45,\n");
        for (var i = 0; i < 6; i++)
        {
            csv.Append(Utc(t0.AddMinutes(i))).Append(",BT-S3,manhole,,").Append(i % 2 == 0 ? 20 : 2).Append('\n');
        }

        using var form = new MultipartFormDataContent
        {
            { new StringContent(csv.ToString()), "data", "works.csv" },
            { new StringContent(Rules), "rules", "candidate.yaml" },
            { new StringContent(Utc(t0.AddMinutes(25))), "to" },
        };

        using var response = await Http.PostAsync("/api/v1/rules/backtest", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var silenced = Assert.Single(body["silenced"]!.AsArray())!;
        Assert.Equal(("BT-S1", "bt-s-depth", silenceId), ((string?)silenced["deviceId"], (string?)silenced["ruleId"], (string?)silenced["silenceId"]));
        Assert.Equal((t0, t0.AddMinutes(90)), ((DateTimeOffset)silenced["silencedAt"]!, (DateTimeOffset)silenced["until"]!));
        // BT-S3: raised, cleared, raised, then flapping (its 4th change, a clear: held), back, held again, and cleared 10m
        // after its last change: two cases, not three.
        var gas = body["cases"]!.AsArray().Where(c => (string?)c!["deviceId"] == "BT-S3").ToList();
        Assert.Equal(2, gas.Count);
        Assert.Equal(t0.AddMinutes(15), (DateTimeOffset)gas[1]!["clearedAt"]!);
        Assert.Equal(["raised", "flapping", "cleared"], gas[1]!["history"]!.AsArray().Select(e => (string?)e!["event"]));
    }

    private static string Utc(DateTimeOffset at) => at.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
}
