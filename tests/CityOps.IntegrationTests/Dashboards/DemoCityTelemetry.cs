using System.Globalization;
using System.Diagnostics;
using CityOps.Tests.Infrastructure;
using CityOps.Tests.Integration;

namespace CityOps.Tests.Dashboards;

/// <summary>
/// A real CityOps running <c>--demo</c> that writes into a real InfluxDB: the data the dashboards are
/// made for. Shared by one test class; the run is short, so time-bound panels are judged by
/// <see cref="DashboardsOnDemoCityTests"/>.
/// </summary>
public sealed class DemoCityTelemetry : IAsyncLifetime
{
    private readonly TempFolder _folder = new("cityops-dash");

    public InfluxDb Influx { get; private set; } = null!;

    public CityOpsProcess App { get; private set; } = null!;

    /// <summary>Time since CityOps answered healthy and the simulator began publishing.</summary>
    public Stopwatch Running { get; } = new();

    public async Task InitializeAsync()
    {
        Influx = await InfluxDb.StartAsync();
        var brokerPort = FreePort.Next();
        App = new CityOpsProcess(_folder.Path, new Dictionary<string, string>
        {
            ["CityOps:Influx:Url"] = Influx.Url,
            ["CityOps:Mqtt:EmbeddedPort"] = brokerPort.ToString(CultureInfo.InvariantCulture),
        }, "--demo");
        await App.StartAsync();
        Running.Start();

        // The simulator publishes only good messages; two bad ones give the reject panels something to count.
        await using var device = await Devices.ConnectAsync(brokerPort);
        await device.PublishAsync("city/waterlog/WL-0001/telemetry", "not json");
        await device.PublishAsync("city/waterlog/WL-0001/telemetry", """{"metrics": {"depth_cm": "deep"}}""");
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Influx is not null)
        {
            await Influx.DisposeAsync();
        }

        _folder.Dispose();
    }
}
