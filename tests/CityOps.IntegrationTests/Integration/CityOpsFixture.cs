using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Integration;

/// <summary>A real mosquitto and a real CityOps process that uses it, shared by one test class.</summary>
public class CityOpsFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = new("cityops-it");

    public Mosquitto Broker { get; private set; } = null!;

    public CityOpsProcess App { get; private set; } = null!;

    public string DataDir => _folder.Combine("data");

    public string RulesDir => _folder.Combine("rules");

    public async Task InitializeAsync()
    {
        Broker = await Mosquitto.StartAsync();
        var rules = _folder.Combine("rules");
        Directory.CreateDirectory(rules);
        Directory.CreateDirectory(DataDir);
        await File.WriteAllTextAsync(Path.Combine(rules, "test.yaml"), TestCity.Rules);
        App = new CityOpsProcess(DataDir, TestCity.Settings(rules, Broker.Port));
        await App.StartAsync();
        using var zones = await App.Http.PutAsync("/api/v1/zones", new StringContent(TestCity.Zones, System.Text.Encoding.UTF8, "application/geo+json"));
        zones.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }
        _folder.Dispose();
    }
}
