using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Integration;

/// <summary>A real mosquitto, a real influxd and a real CityOps writing to it (the test city's rules), for one test.</summary>
public sealed class CityWithInflux : IAsyncDisposable
{
    private readonly TempFolder _folder = new("cityops-influx");

    private CityWithInflux()
    {
    }

    public Mosquitto Broker { get; private set; } = null!;

    public InfluxDb Influx { get; private set; } = null!;

    public CityOpsProcess App { get; private set; } = null!;

    public static async Task<CityWithInflux> StartAsync()
    {
        var city = new CityWithInflux();
        city.Broker = await Mosquitto.StartAsync();
        city.Influx = await InfluxDb.StartAsync();
        var rules = city._folder.Combine("rules");
        Directory.CreateDirectory(rules);
        Directory.CreateDirectory(city._folder.Combine("data"));
        await File.WriteAllTextAsync(Path.Combine(rules, "test.yaml"), TestCity.Rules);
        var settings = TestCity.Settings(rules, city.Broker.Port);
        settings["CityOps:Influx:Url"] = city.Influx.Url;
        city.App = new CityOpsProcess(city._folder.Combine("data"), settings);
        await city.App.StartAsync();
        return city;
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Influx is not null)
        {
            await Influx.DisposeAsync();
        }

        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }

        _folder.Dispose();
    }
}
