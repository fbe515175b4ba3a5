using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CityOps.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CityOps.Tests.Integration;

/// <summary>
/// A storm of 500 gauges on a real CityOps process: 500 alarms, of which only the orange and red ones file cases at once;
/// blue and yellow wait for a person. Alone: it is load on purpose.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class AlarmStormTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly double[] Depths = [20, 30, 45, 55]; // blue, yellow, orange, red

    private readonly TempFolder _folder = new("alarm-storm");
    private CityOpsProcess _app = null!;

    public async Task InitializeAsync() => _app = await DispatchCity.StartAsync(_folder, rulesYaml: AlarmDeskRules.Yaml);

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_storm_of_500_alarms_files_cases_only_for_the_orange_and_red_ones()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var port = int.Parse(_app.Settings["CityOps:Mqtt:EmbeddedPort"], System.Globalization.CultureInfo.InvariantCulture);
        var at = DateTimeOffset.UtcNow;
        await using (var devices = await Devices.ConnectAsync(port))
        {
            for (var i = 0; i < 500; i++)
            {
                await devices.PublishAsync($"city/waterlog/STORM-{i:D3}/telemetry", Devices.Reading(at, 1, "depth_cm", Depths[i % 4]));
            }
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        List<JsonObject> alarms;
        do
        {
            await Task.Delay(250);
            alarms = await AlarmsAsync();
        }
        while ((alarms.Count < 500 || alarms.Count(a => (string?)a["disposition"] == "filed") < 250) && DateTime.UtcNow < deadline);

        var cases = await Devices.WaitForCasesAsync(_app.Http, "pageSize=500&code=0406", 250, TimeSpan.FromSeconds(20));
        var filed = alarms.Count(a => (string?)a["disposition"] == "filed");
        var waiting = alarms.Count(a => (string?)a["disposition"] == "pending");
        output.WriteLine($"500 gauges: {alarms.Count} alarms, {filed} filed at once, {waiting} waiting, {cases.Count} cases in {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.Equal((500, 250, 250, 250), (alarms.Count, filed, waiting, cases.Count));
        Assert.All(cases, c => Assert.Contains((string?)c!["severity"], new[] { "orange", "red" }));
        Assert.All(alarms.Where(a => (string?)a["disposition"] == "filed"), a => Assert.Contains((string?)a["severity"], new[] { "orange", "red" }));
        Assert.All(alarms.Where(a => (string?)a["disposition"] == "pending"), a => Assert.Contains((string?)a["severity"], new[] { "blue", "yellow" }));
        Assert.Equal(500, alarms.Select(a => (string?)a["deviceId"]).Distinct().Count());
        Assert.Equal(250, cases.Select(c => (string?)c!["alarmIds"]![0]).Distinct().Count());
    }

    private async Task<List<JsonObject>> AlarmsAsync()
    {
        var page = await _app.Http.GetFromJsonAsync<JsonObject>("/api/v1/alarms?ruleId=depth&pageSize=500");
        return [.. page!["items"]!.AsArray().Select(a => a!.AsObject())];
    }
}
