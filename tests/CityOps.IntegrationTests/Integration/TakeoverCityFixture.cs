using System.Net.Http.Json;

namespace CityOps.Tests.Integration;

/// <summary>A CityOps with <c>RequireAuth</c>, a service client, and four registered manhole covers with secrets.</summary>
public sealed class TakeoverCityFixture : EmbeddedCityFixture
{
    public const string GatewayPassword = "gateway-password-1234";
    public static readonly TimeSpan LoginRefusalDelay = TimeSpan.FromMilliseconds(200);

    protected override IEnumerable<KeyValuePair<string, string>> Settings => new Dictionary<string, string>
    {
        ["CityOps:Mqtt:RequireAuth"] = "true",
        ["CityOps:Mqtt:ServiceClients:0:Username"] = "gateway-1",
        ["CityOps:Mqtt:ServiceClients:0:Password"] = GatewayPassword,
        ["CityOps:Mqtt:LoginRefusalDelay"] = "00:00:00.2", // refused logins answered late, but not the default second: 200 guesses in the test
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var id in new[] { "dev-a", "dev-b", "dev-c", "dev-g" })
        {
            using var put = await App.Http.PutAsJsonAsync($"/api/v1/devices/{id}", new { kind = "manhole", name = id, lat = 35.305, lon = 113.905, code = "0101", secret = "secret-of-" + id });
            put.EnsureSuccessStatusCode();
        }
    }
}
