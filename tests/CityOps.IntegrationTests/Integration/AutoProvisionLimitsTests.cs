using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CityOps.Tests.Integration;

/// <summary>Issue 16.6 on a real process: one anonymous client inventing device ids cannot fill the registry.</summary>
public sealed class AutoProvisionLimitsTests(AutoProvisionCityFixture city) : IClassFixture<AutoProvisionCityFixture>
{
    [Fact]
    public async Task New_device_ids_beyond_the_auto_provisioning_burst_are_refused_counted_and_not_registered()
    {
        const int invented = 40;
        await using (var devices = await Devices.ConnectAsync(city.Port))
        {
            for (var i = 0; i < invented; i++)
            {
                await devices.PublishAsync($"city/waterlog/PHANTOM-{i}/telemetry", Devices.Reading(DateTimeOffset.UtcNow, 1, "depth_cm", 1));
            }
        }

        var http = city.App.Http;
        await Devices.WaitForMetricAsync(http, "cityops_readings_refused_total", invented - AutoProvisionCityFixture.Burst, TimeSpan.FromSeconds(60));

        Assert.Equal(invented - AutoProvisionCityFixture.Burst, await Devices.MetricAsync(http, "cityops_readings_refused_total", "reason=\"auto_provision_rate\""));
        Assert.Equal(invented - AutoProvisionCityFixture.Burst, await Devices.MetricAsync(http, "cityops_ingest_rejected_total", "reason=\"refused_by_device\""));
        var page = await http.GetFromJsonAsync<JsonObject>("/api/v1/devices?kind=waterlog&pageSize=100");
        Assert.Equal(AutoProvisionCityFixture.Burst, (int)page!["total"]!);

        // A device registered through the API is not held by the limit.
        using var registered = await http.PutAsJsonAsync("/api/v1/devices/WL-REAL-1", new { kind = "waterlog", name = "real" });
        registered.EnsureSuccessStatusCode();
        await using (var devices = await Devices.ConnectAsync(city.Port))
        {
            await devices.PublishAsync("city/waterlog/WL-REAL-1/telemetry", Devices.Reading(DateTimeOffset.UtcNow, 1, "depth_cm", 7));
        }

        await Devices.WaitForLastAsync(http, "WL-REAL-1", "depth_cm", 7);
    }
}
