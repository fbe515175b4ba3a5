using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Telemetry;

/// <summary>One real influxd per test class; each test writes to a database of its own.</summary>
public sealed class InfluxFixture : IAsyncLifetime
{
    public InfluxDb Influx { get; private set; } = null!;

    public async Task InitializeAsync() => Influx = await InfluxDb.StartAsync();

    public async Task DisposeAsync() => await Influx.DisposeAsync();
}
