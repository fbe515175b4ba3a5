using System.Globalization;
using CityOps.Tests.Infrastructure;
using CityOps.Tests.Integration;

namespace CityOps.Tests.Demo;

/// <summary>
/// The demo simulator's client id (<c>cityops-demo-{pid}</c>) is easy to guess: on the open embedded broker nobody
/// but CityOps itself may use it, and the host keeps running and judging the simulator's readings.
/// </summary>
public sealed class DemoTakeoverTests
{
    [Fact]
    public async Task Nobody_takes_over_the_demo_simulators_session_and_the_host_keeps_judging()
    {
        using var data = new TempFolder();
        var port = FreePort.Next();
        await using var app = new CityOpsProcess(data.Path, new Dictionary<string, string>
        {
            ["CityOps:Mqtt:EmbeddedPort"] = port.ToString(CultureInfo.InvariantCulture),
        }, "--demo");
        await app.StartAsync();
        await Devices.WaitForMetricAsync(app.Http, "cityops_ingest_readings_total", 1, TimeSpan.FromSeconds(60));

        var attack = await ExternalClient.MosquittoPubAsync("-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-V", "mqttv5",
            "-i", $"cityops-demo-{app.ProcessId}", "-c", "-x", "3600", "-q", "1", "-t", "city/manhole/MH-0001/telemetry", "-m", """{"metrics":{"tilt_deg":45}}""");
        Assert.NotEqual(0, attack.ExitCode);
        Assert.Contains("identifier", attack.ToString(), StringComparison.OrdinalIgnoreCase);

        // The simulator goes on publishing, and the host judging.
        var after = await Devices.MetricAsync(app.Http, "cityops_ingest_readings_total");
        await Devices.WaitForMetricAsync(app.Http, "cityops_ingest_readings_total", after + 1, TimeSpan.FromSeconds(60));
        using var health = await app.Http.GetAsync("/healthz");
        Assert.True(health.IsSuccessStatusCode, app.Tail());
        Assert.DoesNotContain("SessionTakenOver", app.Log, StringComparison.Ordinal);
    }
}
