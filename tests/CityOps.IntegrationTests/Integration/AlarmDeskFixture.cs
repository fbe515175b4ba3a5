using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Integration;

/// <summary>One CityOps process with a key per role and the desk's rules (fileFrom orange, a maintenance rule).</summary>
public sealed class AlarmDeskFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = new("alarm-desk");

    public CityOpsProcess App { get; private set; } = null!;

    public int BrokerPort => int.Parse(App.Settings["CityOps:Mqtt:EmbeddedPort"], System.Globalization.CultureInfo.InvariantCulture);

    public async Task InitializeAsync()
    {
        var keys = new Dictionary<string, string>();
        var index = 0;
        foreach (var (key, role) in new[] { (DispatchApiFixture.ViewerKey, "viewer"), (DispatchApiFixture.DispatcherKey, "dispatcher"), (DispatchApiFixture.AdminKey, "admin") })
        {
            keys[$"CityOps:Auth:ApiKeys:{index}:Key"] = key;
            keys[$"CityOps:Auth:ApiKeys:{index}:Role"] = role;
            index++;
        }

        // In the rules folder, so they stay in force across the restart of the stream test.
        App = await DispatchCity.StartAsync(_folder, keys, AlarmDeskRules.Yaml);
        App.Http.DefaultRequestHeaders.Add("X-Api-Key", DispatchApiFixture.AdminKey);
    }

    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = App.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        _folder.Dispose();
    }
}
