using System.Globalization;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Integration;

/// <summary>One CityOps with its embedded broker on a free port, the test city's rules, and extra settings; shared by a test class.</summary>
public abstract class EmbeddedCityFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = new("cityops-embedded-city");

    public int Port { get; } = FreePort.Next();

    public CityOpsProcess App { get; private set; } = null!;

    public string Folder => _folder.Path;

    /// <summary>Settings beside the port and the rules.</summary>
    protected abstract IEnumerable<KeyValuePair<string, string>> Settings { get; }

    public virtual async Task InitializeAsync()
    {
        var rules = _folder.Combine("rules");
        Directory.CreateDirectory(rules);
        await File.WriteAllTextAsync(Path.Combine(rules, "test.yaml"), TestCity.Rules);
        var settings = new Dictionary<string, string>(Settings)
        {
            ["CityOps:Rules:Path"] = rules,
            ["CityOps:Mqtt:EmbeddedPort"] = Port.ToString(CultureInfo.InvariantCulture),
        };
        App = new CityOpsProcess(_folder.Combine("data"), settings);
        await App.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        _folder.Dispose();
    }
}
