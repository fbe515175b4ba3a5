using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Integration;

/// <summary>One CityOps process with an API key per role, shared by the dispatch API test classes.</summary>
public sealed class DispatchApiFixture : IAsyncLifetime
{
    public const string ViewerKey = "viewer-key-0123456789";
    public const string EngineerKey = "engineer-key-0123456789";
    public const string DispatcherKey = "dispatcher-key-0123456789";
    public const string AdminKey = "admin-key-0123456789";
    public const string MonitorKey = "monitor-key-0123456789";
    public const string SupervisorKey = "supervisor-key-0123456789";

    private readonly TempFolder _folder = new("dispatch-api");

    public CityOpsProcess App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var keys = new Dictionary<string, string>();
        var index = 0;
        foreach (var (key, role) in new[] { (ViewerKey, "viewer"), (EngineerKey, "engineer"), (DispatcherKey, "dispatcher"), (AdminKey, "admin"), (MonitorKey, "monitor"), (SupervisorKey, "supervisor") })
        {
            keys[$"CityOps:Auth:ApiKeys:{index}:Key"] = key;
            keys[$"CityOps:Auth:ApiKeys:{index}:Role"] = role;
            keys[$"CityOps:Auth:ApiKeys:{index}:Name"] = role + "-on-duty";
            index++;
        }

        App = await DispatchCity.StartAsync(_folder, keys);
        App.Http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        using var zones = await App.Http.PutAsync("/api/v1/zones", new StringContent(TestCity.Zones, System.Text.Encoding.UTF8, "application/geo+json"));
        zones.EnsureSuccessStatusCode();
    }

    /// <summary>A client of the same process holding another key (or none).</summary>
    public HttpClient Client(string? key, bool bearer = false)
    {
        var client = new HttpClient { BaseAddress = App.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null && bearer)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }
        else if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        _folder.Dispose();
    }
}
