using System.Globalization;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Integration;

/// <summary>
/// CityOps as a client of a real mosquitto (<c>CityOps:Mqtt:Host</c>): the same clients at every protocol level and
/// QoS publish to mosquitto, and CityOps judges each reading; a retained reading is judged once, also after CityOps
/// reconnected and subscribed again.
/// </summary>
public sealed class MqttInteropViaMosquittoTests(CityOpsFixture fixture) : IClassFixture<CityOpsFixture>
{
    [Theory]
    [InlineData("mqttv31", 0)]
    [InlineData("mqttv311", 1)]
    [InlineData("mqttv311", 2)]
    [InlineData("mqttv5", 1)]
    [InlineData("mqttv5", 2)]
    public async Task Mosquitto_pub_through_mosquitto_is_judged(string version, int qos)
    {
        var device = $"VM-{version}-{qos}".Replace("mqttv", "V", StringComparison.Ordinal);
        var run = await ExternalClient.MosquittoPubAsync("-h", "127.0.0.1", "-p", fixture.Broker.Port.ToString(CultureInfo.InvariantCulture), "-V", version, "-q", qos.ToString(CultureInfo.InvariantCulture),
            "-t", $"city/manhole/{device}/telemetry", "-m", """{"metrics":{"tilt_deg":40}}""");
        Assert.True(run.ExitCode == 0, run.ToString());
        await Devices.WaitForLastAsync(fixture.App.Http, device, "tilt_deg", 40);
    }

    [Theory]
    [InlineData(4, 0)]
    [InlineData(5, 2)]
    public async Task Mqtt_js_through_mosquitto_is_judged(int protocolVersion, int qos)
    {
        var device = $"VJ-{protocolVersion}-{qos}";
        var run = await ExternalClient.MqttJsPublishAsync(fixture.Broker.Port, protocolVersion, qos, $"city/manhole/{device}/telemetry", """{"metrics":{"tilt_deg":41}}""");
        Assert.True(run.ExitCode == 0, run.ToString());
        await Devices.WaitForLastAsync(fixture.App.Http, device, "tilt_deg", 41);
    }

    [Fact]
    public async Task Retained_reading_is_judged_once_also_after_a_reconnect()
    {
        var http = fixture.App.Http;
        var before = await Devices.MetricAsync(http, "cityops_ingest_readings_total");
        var run = await ExternalClient.MosquittoPubAsync("-h", "127.0.0.1", "-p", fixture.Broker.Port.ToString(CultureInfo.InvariantCulture), "-q", "1", "-r",
            "-t", "city/manhole/VR-1/telemetry", "-m", """{"metrics":{"tilt_deg":42}}""");
        Assert.True(run.ExitCode == 0, run.ToString());
        await Devices.WaitForLastAsync(http, "VR-1", "tilt_deg", 42);

        // mosquitto keeps the retained reading and CityOps' session; CityOps reconnects and subscribes again.
        await fixture.Broker.RestartGracefullyAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await Devices.MetricAsync(http, "cityops_mqtt_connected") < 1 || !fixture.App.Log.Contains("session present: True", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "CityOps did not reconnect to mosquitto:\n" + fixture.App.Tail());
            await Task.Delay(100);
        }

        var marker = await ExternalClient.MosquittoPubAsync("-h", "127.0.0.1", "-p", fixture.Broker.Port.ToString(CultureInfo.InvariantCulture), "-q", "1",
            "-t", "city/manhole/VR-1/telemetry", "-m", """{"metrics":{"tilt_deg":43}}""");
        Assert.True(marker.ExitCode == 0, marker.ToString());
        await Devices.WaitForLastAsync(http, "VR-1", "tilt_deg", 43);

        // The device shows a reading as its grain takes it; the dispatcher counts it once the grain's call returned.
        await Devices.WaitForMetricAsync(http, "cityops_ingest_readings_total", before + 2, TimeSpan.FromSeconds(10));
        Assert.Equal(before + 2, await Devices.MetricAsync(http, "cityops_ingest_readings_total"));
    }
}
