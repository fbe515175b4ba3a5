using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CityOps.Tests.Integration;

/// <summary>API keys and roles as capabilities (viewer, monitor, engineer, dispatcher, supervisor, admin), 401/403 as problem+json.</summary>
[Collection(DispatchApiCollection.Name)]
public sealed class AccessControlTests(DispatchApiFixture city)
{
    private static readonly object Silence = new { deviceId = "WL-AC-1", duration = "1h", reason = "pump maintenance" };

    public static TheoryData<string, string, string, HttpStatusCode> Matrix => new()
    {
        // role, method, path, expected
        { "viewer", "GET", "/api/v1/cases", HttpStatusCode.OK },
        { "viewer", "GET", "/api/v1/kpis", HttpStatusCode.OK },
        { "viewer", "GET", "/api/v1/kpis/ranking", HttpStatusCode.OK },
        { "viewer", "GET", "/api/v1/reports/monthly?format=csv", HttpStatusCode.OK },
        { "viewer", "GET", "/open311/v2/services.json", HttpStatusCode.OK },
        { "viewer", "POST", "/api/v1/silences", HttpStatusCode.Forbidden },
        { "viewer", "POST", "/api/v1/cases", HttpStatusCode.Forbidden },
        { "engineer", "POST", "/api/v1/silences", HttpStatusCode.Created },
        { "engineer", "POST", "/api/v1/rules/validate", HttpStatusCode.OK },
        { "engineer", "POST", "/api/v1/cases", HttpStatusCode.Forbidden },
        { "dispatcher", "POST", "/api/v1/cases", HttpStatusCode.Created },
        { "dispatcher", "POST", "/api/v1/silences", HttpStatusCode.Created },
        { "dispatcher", "PUT", "/api/v1/devices/WL-AC-2", HttpStatusCode.Forbidden },
        { "admin", "PUT", "/api/v1/devices/WL-AC-2", HttpStatusCode.OK },
        { "admin", "POST", "/api/v1/cases", HttpStatusCode.Created },
        { "dispatcher", "PUT", "/api/v1/rules", HttpStatusCode.Forbidden },
        { "dispatcher", "POST", "/api/v1/rules/validate", HttpStatusCode.Forbidden },
        { "supervisor", "PUT", "/api/v1/rules", HttpStatusCode.Forbidden },
        { "supervisor", "POST", "/api/v1/cases", HttpStatusCode.Created },
        { "monitor", "POST", "/api/v1/cases", HttpStatusCode.Forbidden },
        { "monitor", "POST", "/api/v1/silences", HttpStatusCode.Forbidden },
        { "monitor", "POST", "/api/v1/alarms/no-such-alarm/actions", HttpStatusCode.NotFound },
        { "viewer", "POST", "/api/v1/alarms/no-such-alarm/actions", HttpStatusCode.Forbidden },
        { "engineer", "POST", "/api/v1/alarms/no-such-alarm/actions", HttpStatusCode.Forbidden },
    };

    private static string KeyOf(string role) => role switch
    {
        "viewer" => DispatchApiFixture.ViewerKey,
        "monitor" => DispatchApiFixture.MonitorKey,
        "engineer" => DispatchApiFixture.EngineerKey,
        "dispatcher" => DispatchApiFixture.DispatcherKey,
        "supervisor" => DispatchApiFixture.SupervisorKey,
        _ => DispatchApiFixture.AdminKey,
    };

    private static HttpContent? Body(string path) => path switch
    {
        "/api/v1/silences" => JsonContent.Create(Silence),
        "/api/v1/cases" => JsonContent.Create(new { code = "0102", title = "井盖破损", unit = "water-east" }),
        "/api/v1/devices/WL-AC-2" => JsonContent.Create(new { kind = "waterlog", name = "test", lat = 35.305, lon = 113.905 }),
        "/api/v1/rules/validate" or "/api/v1/rules" => new StringContent(TestCity.Rules, System.Text.Encoding.UTF8, "application/yaml"),
        "/api/v1/alarms/no-such-alarm/actions" => JsonContent.Create(new { action = "acknowledge" }),
        _ => null,
    };

    [Theory]
    [InlineData("viewer")]
    [InlineData("monitor")]
    [InlineData("engineer")]
    [InlineData("dispatcher")]
    [InlineData("supervisor")]
    [InlineData("admin")]
    public async Task Me_names_the_role_of_the_key_sent(string role)
    {
        using var client = city.Client(KeyOf(role));

        var me = await client.GetFromJsonAsync<JsonObject>("/api/v1/me");

        Assert.Equal(role, (string?)me!["role"]);
        Assert.False((bool?)me["open"]);
        Assert.False(string.IsNullOrEmpty((string?)me["name"]));
    }

    [Fact]
    public async Task Me_without_a_key_is_401()
    {
        using var client = city.Client(null);

        using var response = await client.GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_role_may_do_what_its_rank_allows(string role, string method, string path, HttpStatusCode expected)
    {
        using var client = city.Client(KeyOf(role));
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Body(path) };

        using var response = await client.SendAsync(request);

        Assert.True(expected == response.StatusCode, $"{role} {method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        if (expected == HttpStatusCode.Forbidden)
        {
            await AssertProblem(response, 403);
        }
    }

    [Fact]
    public async Task Request_without_a_key_or_with_an_unknown_one_answers_401_problem_json()
    {
        using var anonymous = city.Client(null);
        using var none = await anonymous.GetAsync("/api/v1/cases");
        await AssertProblem(none, 401);
        Assert.NotEmpty(none.Headers.WwwAuthenticate);

        using var stranger = city.Client("not-a-key-of-ours-at-all");
        using var unknown = await stranger.GetAsync("/api/v1/cases");
        await AssertProblem(unknown, 401);
    }

    [Fact]
    public async Task Bearer_token_works_like_the_api_key_header()
    {
        using var client = city.Client(DispatchApiFixture.ViewerKey, bearer: true);

        using var response = await client.GetAsync("/api/v1/cases");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Health_and_metrics_need_no_key()
    {
        using var anonymous = city.Client(null);

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Case_action_without_a_by_is_recorded_under_the_key_holder()
    {
        using var dispatcher = city.Client(DispatchApiFixture.DispatcherKey);
        var id = await DispatchCity.FileAsync(dispatcher);

        using var response = await dispatcher.PostAsJsonAsync($"/api/v1/cases/{id}/actions", new { action = "dispatch" });

        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("dispatcher-on-duty", (string?)body!["history"]!.AsArray()[^1]!["actor"]);
    }

    [Fact]
    public async Task Case_history_records_the_key_holder_and_the_claimed_by_only_as_on_behalf_of()
    {
        using var dispatcher = city.Client(DispatchApiFixture.DispatcherKey);
        var id = await DispatchCity.FileAsync(dispatcher);

        using var response = await dispatcher.PostAsJsonAsync($"/api/v1/cases/{id}/actions", new { action = "dispatch", by = "admin-chief", note = "urgent" });

        var entry = (await response.Content.ReadFromJsonAsync<JsonObject>())!["history"]!.AsArray()[^1]!;
        Assert.Equal("dispatcher-on-duty", (string?)entry["actor"]);
        Assert.EndsWith("urgent; on behalf of admin-chief", (string?)entry["note"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dispatcher", "supervise", HttpStatusCode.Forbidden)]
    [InlineData("supervisor", "supervise", HttpStatusCode.OK)]
    [InlineData("dispatcher", "cancel", HttpStatusCode.Forbidden)]
    [InlineData("supervisor", "cancel", HttpStatusCode.OK)]
    [InlineData("dispatcher", "defer", HttpStatusCode.Forbidden)]
    [InlineData("supervisor", "defer", HttpStatusCode.OK)]
    [InlineData("dispatcher", "reassign", HttpStatusCode.OK)]
    public async Task Supervisor_decisions_on_a_dispatched_case_answer_403_to_a_dispatcher(string role, string action, HttpStatusCode expected)
    {
        using var dispatcher = city.Client(DispatchApiFixture.DispatcherKey);
        var id = await DispatchCity.FileAsync(dispatcher);
        (await dispatcher.PostAsJsonAsync($"/api/v1/cases/{id}/actions", new { action = "dispatch" })).EnsureSuccessStatusCode();
        using var client = city.Client(KeyOf(role));

        using var response = await client.PostAsJsonAsync($"/api/v1/cases/{id}/actions", new { action, level = 2, unit = "roads-bureau" });

        Assert.True(expected == response.StatusCode, $"{role} {action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        if (expected == HttpStatusCode.Forbidden)
        {
            await AssertProblem(response, 403);
        }
    }

    [Fact]
    public async Task Dispatcher_cancels_a_case_before_dispatch_and_it_is_cancelled_not_closed()
    {
        using var dispatcher = city.Client(DispatchApiFixture.DispatcherKey);
        var id = await DispatchCity.FileAsync(dispatcher);

        using var response = await dispatcher.PostAsJsonAsync($"/api/v1/cases/{id}/actions", new { action = "cancel", note = "duplicate of a hotline report" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("cancelled", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["status"]);
    }

    [Fact]
    public async Task Oversized_body_is_refused_with_413()
    {
        using var engineer = city.Client(DispatchApiFixture.EngineerKey);
        var reason = new string('x', 100_000);

        using var response = await engineer.PostAsJsonAsync("/api/v1/silences", new { deviceId = "WL-AC-1", duration = "1h", reason });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_case_filed_by_a_dispatcher_is_in_the_audit_log_that_admins_read()
    {
        using var dispatcher = city.Client(DispatchApiFixture.DispatcherKey);
        var id = await DispatchCity.FileAsync(dispatcher);

        using var admin = city.Client(DispatchApiFixture.AdminKey);
        using var response = await admin.GetAsync("/api/v1/audit?actor=dispatcher-on-duty&pageSize=1000");
        var entries = (await response.Content.ReadFromJsonAsync<JsonObject>())!["items"]!.AsArray();

        Assert.Contains(entries, e => (string?)e!["method"] == "POST" && (string?)e["path"] == "/api/v1/cases" && (string?)e["resourceId"] == id && (int)e["status"]! == 201);
        Assert.Equal(HttpStatusCode.Forbidden, (await dispatcher.GetAsync("/api/v1/audit")).StatusCode);
    }

    [Fact]
    public async Task Api_answers_are_not_cached_sniffed_or_framed()
    {
        using var viewer = city.Client(DispatchApiFixture.ViewerKey);

        using var response = await viewer.GetAsync("/api/v1/cases");

        Assert.True(response.Headers.CacheControl!.NoStore);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    private static async Task AssertProblem(HttpResponseMessage response, int status)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(status, (int?)problem!["status"]);
    }
}
