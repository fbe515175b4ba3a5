using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Integration;

/// <summary>A CityOps process for the dispatch tests: embedded broker on a free port, the test city's rules and zones, the shipped kinds.</summary>
public static class DispatchCity
{
    public static async Task<CityOpsProcess> StartAsync(TempFolder folder, IDictionary<string, string>? extra = null, string rulesYaml = TestCity.Rules)
    {
        var rules = folder.Combine("rules");
        var data = folder.Combine("data");
        Directory.CreateDirectory(rules);
        Directory.CreateDirectory(data);
        await File.WriteAllTextAsync(Path.Combine(rules, "test.yaml"), rulesYaml);
        // The kinds a city runs with out of the box (the lifelines, the lamp cabinet among them).
        File.Copy(Path.Combine(RepoPaths.Rules, "kinds.yaml"), Path.Combine(rules, "kinds.yaml"));
        var settings = new Dictionary<string, string>
        {
            ["CityOps:Rules:Path"] = rules,
            ["CityOps:Routing:Path"] = folder.Combine("routing.yaml"),
            ["CityOps:Mqtt:EmbeddedPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["CityOps:Mqtt:ClientId"] = "cityops-test-" + Guid.NewGuid().ToString("N")[..8],
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var app = new CityOpsProcess(data, settings);
        await app.StartAsync();
        return app;
    }

    /// <summary>Files a case by hand (as an inspector would) and returns its id.</summary>
    public static async Task<string> FileAsync(HttpClient http, string code = "0102", string unit = "water-east")
    {
        using var response = await http.PostAsJsonAsync("/api/v1/cases", new { code, title = "井盖破损", severity = "yellow", unit, lat = 35.305, lon = 113.905, by = "inspector" });
        response.EnsureSuccessStatusCode();
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
    }

    public static async Task<JsonObject> ActAsync(HttpClient http, string id, string action, object? extra = null)
    {
        using var response = await http.PostAsJsonAsync($"/api/v1/cases/{id}/actions", extra ?? new { action, by = "dispatcher" });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{action} on {id}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }
}
