using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CityOps.Tests.Integration;

/// <summary>The external broker goes away and comes back; CityOps reconnects and resubscribes by itself.</summary>
public sealed class BrokerRestartTests(CityOpsFixture city) : IClassFixture<CityOpsFixture>
{
    [Fact]
    public async Task After_a_broker_restart_readings_flow_again_without_restarting_cityops()
    {
        var http = city.App.Http;
        await city.Broker.StopAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await http.GetAsync("/healthz")).IsSuccessStatusCode && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.False((await http.GetAsync("/healthz")).IsSuccessStatusCode, "health should turn unready while the broker is gone");

        await city.Broker.RestartAsync();
        await city.App.WaitHealthyAsync(TimeSpan.FromSeconds(30));

        await using var devices = await Devices.ConnectAsync(city.Broker.Port);
        await devices.PublishAsync("city/manhole/MH-BR-1/telemetry", Devices.Reading(DateTimeOffset.UtcNow, 1, "tilt_deg", 45));
        var raised = Assert.Single(await Devices.WaitForCasesAsync(http, "deviceId=MH-BR-1", 1, TimeSpan.FromSeconds(10)))!;
        Assert.Equal("manhole-tilt", (string?)raised["ruleId"]);
        var device = await http.GetFromJsonAsync<JsonObject>("/api/v1/devices/MH-BR-1");
        Assert.Equal(45, (double?)device!["last"]!["tilt_deg"]);
    }
}
