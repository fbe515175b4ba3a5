using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CityOps.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CityOps.Tests.Integration;

/// <summary>
/// Real mosquitto, real influxd, real CityOps: InfluxDB stopped for 30 s in the middle of a run, and
/// CityOps killed with SIGKILL while it is down. Every reading published with QoS 1 ends up in
/// InfluxDB exactly once as far as any query can tell.
/// </summary>
public sealed class TelemetryOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Devices = 5;
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddHours(-1);
    private CityWithInflux _city = null!;
    private int _published;

    private Mosquitto Broker => _city.Broker;

    private InfluxDb Influx => _city.Influx;

    private CityOpsProcess App => _city.App;

    public async Task InitializeAsync() => _city = await CityWithInflux.StartAsync();

    [Fact]
    public async Task InfluxDB_down_under_load_and_a_crash_meanwhile_lose_no_reading_and_store_none_twice()
    {
        var outage = Outage.Length(30);
        await using var devices = await Integration.Devices.ConnectAsync(Broker.Port);

        await PublishForAsync(devices, TimeSpan.FromSeconds(5));
        await Influx.StopAsync();
        var down = DateTime.UtcNow;
        await PublishForAsync(devices, TimeSpan.FromSeconds(10));
        await WaitForHealthAsync("degraded");

        // A crash while InfluxDB is away: what was acknowledged is in the spill folder, the rest is redelivered.
        await App.KillAsync();
        await PublishForAsync(devices, TimeSpan.FromSeconds(5));
        await App.StartAsync();
        await PublishForAsync(devices, outage - (DateTime.UtcNow - down));
        await Influx.RestartAsync();
        await PublishForAsync(devices, TimeSpan.FromSeconds(5));

        var deadline = DateTime.UtcNow.AddSeconds(90);
        long stored;
        while ((stored = await CountAsync()) < _published && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        output.WriteLine($"InfluxDB down {outage.TotalSeconds:0} s: published {_published} readings with QoS 1; InfluxDB holds {stored}");
        Assert.Equal(_published, stored);
        var sums = await Influx.RowsAsync("cityops", "SELECT sum(depth_cm), count(depth_cm), max(depth_cm) FROM waterlog");
        Assert.Equal(ExpectedSum(), (double)sums[0][1]!, 6);
        Assert.Equal(_published, (long)sums[0][2]!);
        Assert.Equal("0", await MetricAsync("cityops_influx_points_dropped_total"));
        await WaitForHealthAsync("healthy");
        Assert.Empty(Directory.GetFiles(Path.Combine(App.DataDir, "influx-spill"), "spill-*.lp"));
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    // Ten readings a second per device, each with its own time and seq; depth = seq / 100 (under every threshold).
    private async Task PublishForAsync(Integration.Devices devices, TimeSpan duration)
    {
        var until = DateTime.UtcNow + duration;
        while (DateTime.UtcNow < until)
        {
            var seq = _published / Devices;
            for (var d = 0; d < Devices; d++)
            {
                await devices.PublishAsync($"city/waterlog/WL-OUT-{d}/telemetry", Integration.Devices.Reading(Start.AddMilliseconds(seq * 100), seq, "depth_cm", seq / 100.0));
                _published++;
            }

            await Task.Delay(100);
        }
    }

    private double ExpectedSum() => Enumerable.Range(0, _published / Devices).Sum(seq => seq / 100.0) * Devices;

    private async Task<long> CountAsync()
    {
        try
        {
            var rows = await Influx.RowsAsync("cityops", "SELECT count(depth_cm) FROM waterlog");
            return rows.Count == 0 ? 0 : (long)rows[0][1]!;
        }
        catch (InvalidOperationException)
        {
            return 0; // the database is created by CityOps' first write
        }
    }

    private async Task WaitForHealthAsync(string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string? telemetry = null;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await App.Http.GetAsync("/healthz");
            var health = await response.Content.ReadFromJsonAsync<JsonObject>();
            telemetry = (string?)health?["checks"]?["telemetry"]?["status"];
            if (telemetry == status)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"telemetry health stayed {telemetry}, expected {status}");
    }

    private async Task<string> MetricAsync(string name)
    {
        var text = await App.Http.GetStringAsync("/metrics");
        var line = text.Split('\n').First(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return line[(name.Length + 1)..].Trim();
    }
}
