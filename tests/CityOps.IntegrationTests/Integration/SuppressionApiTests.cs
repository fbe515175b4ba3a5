using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CityOps.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CityOps.Tests.Integration;

/// <summary>
/// Root-cause suppression on a real CityOps process (CONTRACT §8): a lamp cabinet that loses power and its 50 dark lamps make
/// one case; the device API refuses a parent that does not exist or would make a cycle.
/// </summary>
public sealed class SuppressionApiTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempFolder _folder = new("suppression");
    private CityOpsProcess _app = null!;

    private HttpClient Http => _app.Http;

    public async Task InitializeAsync() => _app = await DispatchCity.StartAsync(_folder, rulesYaml: SuppressionRules.Yaml);

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_cabinet_and_its_fifty_lamps_losing_power_make_one_case()
    {
        await PutAsync("CAB-1", "lampcabinet", null);
        for (var i = 0; i < 50; i++)
        {
            await PutAsync($"CAB-1-L{i:D2}", "streetlight", "CAB-1");
        }

        var at = DateTimeOffset.UtcNow.AddSeconds(-30);
        await using (var devices = await Devices.ConnectAsync(int.Parse(_app.Settings["CityOps:Mqtt:EmbeddedPort"], System.Globalization.CultureInfo.InvariantCulture)))
        {
            await devices.PublishAsync("city/lampcabinet/CAB-1/telemetry", Devices.Reading(at, 1, "voltage_v", 0));
            await WaitForAlarmsAsync("cabinet-power-loss", 1);
            for (var i = 0; i < 50; i++)
            {
                await devices.PublishAsync($"city/streetlight/CAB-1-L{i:D2}/telemetry", Devices.Reading(at.AddSeconds(5), 1, "current_a", 0));
            }
        }

        var lamps = await WaitForAlarmsAsync("lamp-dark", 50);
        var power = Assert.Single(await WaitForAlarmsAsync("cabinet-power-loss", 1));
        var cases = (await Devices.CasesAsync(Http, "pageSize=500&code=0118")).Select(c => c!.AsObject())
            .Where(c => ((string?)c["deviceId"])!.StartsWith("CAB-1", StringComparison.Ordinal)).ToList();
        output.WriteLine($"cabinet storm: {lamps.Count + 1} alarms raised, {lamps.Count(l => (bool)l["suppressed"]!)} suppressed, {cases.Count} cases filed");

        Assert.Equal(50, lamps.Count);
        Assert.All(lamps, l => Assert.Equal((true, (string?)power["id"], "pending"), ((bool)l["suppressed"]!, (string?)l["suppressedBy"], (string?)l["disposition"])));
        var only = Assert.Single(cases);
        Assert.Equal(("CAB-1", "cabinet-power-loss"), ((string?)only["deviceId"], (string?)only["ruleId"]));
    }

    [Fact]
    public async Task The_device_api_refuses_a_missing_parent_a_self_parent_and_a_cycle()
    {
        await PutAsync("PS-1", "lampcabinet", null);
        await PutAsync("PS-1-A", "streetlight", "PS-1");

        await RefusedAsync("PS-1-B", "PS-9", "no device 'PS-9'; register the parent first");
        await RefusedAsync("PS-1-B", "PS-1-B", "a device cannot be its own parent");
        await RefusedAsync("PS-1", "PS-1-A", "parent 'PS-1-A' would make a cycle: PS-1 → PS-1-A → PS-1");
    }

    [Fact]
    public async Task The_import_takes_attributes_and_checks_parents_in_the_file_and_the_registry()
    {
        await PutAsync("IM-CAB-0", "lampcabinet", null);
        var csv = """
            id,kind,name,lat,lon,code,attributes
            IM-CAB-1,lampcabinet,控制箱,35.305,113.905,,
            IM-L-1,streetlight,路灯,35.305,113.905,,parent=IM-CAB-1
            IM-L-2,streetlight,路灯,35.305,113.905,,parent=IM-CAB-0;pole=7
            IM-WL-1,waterlog,积水,35.305,113.905,,catchment=东北排水分区
            """;
        using (var import = await Http.PostAsync("/api/v1/devices/import", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv")))
        {
            Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
        }

        var lamp = (await Http.GetFromJsonAsync<JsonObject>("/api/v1/devices/IM-L-2"))!;
        Assert.Equal(("IM-CAB-0", "7"), ((string?)lamp["attributes"]!["parent"], (string?)lamp["attributes"]!["pole"]));
        Assert.Equal("东北排水分区", (string?)(await Http.GetFromJsonAsync<JsonObject>("/api/v1/devices/IM-WL-1"))!["attributes"]!["catchment"]);

        // All or nothing, every parent problem with its line: missing, itself, a cycle through the file and the registry.
        var bad = """
            id,kind,attributes
            IM-L-3,streetlight,parent=IM-NOPE
            IM-L-4,streetlight,parent=IM-L-4
            IM-CAB-1,lampcabinet,parent=IM-L-1
            IM-L-5,streetlight,parent=IM-CAB-0
            """;
        using var refused = await Http.PostAsync("/api/v1/devices/import", new StringContent(bad, System.Text.Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = (await refused.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(["line 2.attributes.parent", "line 3.attributes.parent", "line 4.attributes.parent"], errors.Select(e => e.Key).Order());
        Assert.Equal("no device 'IM-NOPE'; register the parent first", (string?)errors["line 2.attributes.parent"]![0]);
        Assert.Equal("a device cannot be its own parent", (string?)errors["line 3.attributes.parent"]![0]);
        Assert.Equal("parent 'IM-L-1' would make a cycle: IM-CAB-1 → IM-L-1 → IM-CAB-1", (string?)errors["line 4.attributes.parent"]![0]);
        using var none = await Http.GetAsync("/api/v1/devices/IM-L-5");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
    }

    private async Task PutAsync(string id, string kind, string? parent)
    {
        using var put = await Http.PutAsJsonAsync($"/api/v1/devices/{id}", new
        {
            kind, name = id, lat = 35.305, lon = 113.905,
            attributes = parent is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["parent"] = parent },
        });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
    }

    private async Task RefusedAsync(string id, string parent, string message)
    {
        using var put = await Http.PutAsJsonAsync($"/api/v1/devices/{id}", new { kind = "streetlight", attributes = new Dictionary<string, string> { ["parent"] = parent } });
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        var problem = (await put.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(message, (string?)problem["errors"]!["attributes.parent"]![0]);
    }

    private async Task<List<JsonObject>> WaitForAlarmsAsync(string ruleId, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var page = await Http.GetFromJsonAsync<JsonObject>($"/api/v1/alarms?ruleId={ruleId}&pageSize=500");
            var items = page!["items"]!.AsArray().Select(a => a!.AsObject()).ToList();
            if (items.Count >= count || DateTime.UtcNow > deadline)
            {
                return items;
            }

            await Task.Delay(100);
        }
    }
}
