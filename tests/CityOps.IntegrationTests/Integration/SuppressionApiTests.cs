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
