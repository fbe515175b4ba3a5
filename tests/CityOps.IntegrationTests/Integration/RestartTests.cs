using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CityOps.Tests.Integration;

/// <summary>CityOps killed with SIGKILL and started again on the same data folder.</summary>
public sealed class RestartTests(CityOpsFixture city) : IClassFixture<CityOpsFixture>
{
    [Fact]
    public async Task Process_restarted_on_the_same_data_folder_still_has_its_cases_devices_and_alarms()
    {
        var http = city.App.Http;
        using (var put = await http.PutAsJsonAsync("/api/v1/devices/WL-RS-1", new { kind = "waterlog", name = "下穿隧道", lat = 35.305, lon = 113.905 }))
        {
            put.EnsureSuccessStatusCode();
        }

        await using (var devices = await Devices.ConnectAsync(city.Broker.Port))
        {
            await devices.PublishAsync("city/waterlog/WL-RS-1/telemetry", Devices.Reading(DateTimeOffset.UtcNow.AddSeconds(-5), 1, "depth_cm", 30));
        }

        var before = Assert.Single(await Devices.WaitForCasesAsync(http, "deviceId=WL-RS-1", 1, TimeSpan.FromSeconds(10)))!;
        using (var dispatched = await http.PostAsJsonAsync($"/api/v1/cases/{before["id"]}/actions", new { action = "dispatch", by = "monitor" }))
        {
            dispatched.EnsureSuccessStatusCode();
        }

        await city.App.KillAsync();

        // Published while CityOps is down: the broker keeps them for its persistent session.
        await using (var devices = await Devices.ConnectAsync(city.Broker.Port))
        {
            await devices.PublishAsync("city/waterlog/WL-RS-2/telemetry", Devices.Reading(DateTimeOffset.UtcNow, 1, "depth_cm", 60));
        }

        await city.App.StartAsync();
        var whileDown = Assert.Single(await Devices.WaitForCasesAsync(http, "deviceId=WL-RS-2", 1, TimeSpan.FromSeconds(15)))!;
        Assert.Equal("red", (string?)whileDown["severity"]);

        var device = await http.GetFromJsonAsync<JsonObject>("/api/v1/devices/WL-RS-1");
        Assert.Equal("下穿隧道", (string?)device!["name"]);
        Assert.Equal("410702001001001", (string?)device["grid"]);
        Assert.Single(device["alarms"]!.AsArray());

        var after = Assert.Single(await Devices.CasesAsync(http, "deviceId=WL-RS-1"))!;
        Assert.Equal((string?)before["id"], (string?)after["id"]);
        Assert.Equal("dispatched", (string?)after["status"]);

        // The alarm state survived: a higher reading escalates the same case instead of filing a new one.
        await using (var devices = await Devices.ConnectAsync(city.Broker.Port))
        {
            await devices.PublishAsync("city/waterlog/WL-RS-1/telemetry", Devices.Reading(DateTimeOffset.UtcNow, 2, "depth_cm", 45));
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        JsonObject? escalated;
        do
        {
            await Task.Delay(50);
            escalated = await http.GetFromJsonAsync<JsonObject>($"/api/v1/cases/{before["id"]}");
        }
        while ((string?)escalated!["severity"] != "orange" && DateTime.UtcNow < deadline);

        Assert.Equal("orange", (string?)escalated["severity"]);
        Assert.Single(await Devices.CasesAsync(http, "deviceId=WL-RS-1"));
    }
}
