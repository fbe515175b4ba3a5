using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CityOps.Api.Security;

namespace CityOps.Tests.Security;

/// <summary>Rate limits, failures without details, security headers and the audit log, on CityOps' real pipeline.</summary>
public sealed class ApiHardeningTests
{
    private const string AdminKey = "admin-key-0123456789";
    private const string ViewerKey = "viewer-key-0123456789";

    private static Dictionary<string, string?> Keys(int perSecond = 1000, int burst = 1000) => new()
    {
        ["CityOps:Auth:ApiKeys:0:Key"] = AdminKey,
        ["CityOps:Auth:ApiKeys:0:Role"] = "admin",
        ["CityOps:Auth:ApiKeys:0:Name"] = "ops-admin",
        ["CityOps:Auth:ApiKeys:1:Key"] = ViewerKey,
        ["CityOps:Auth:ApiKeys:1:Role"] = "viewer",
        ["CityOps:Auth:ApiKeys:1:Name"] = "wall-screen",
        ["CityOps:RateLimit:RequestsPerSecond"] = perSecond.ToString(CultureInfo.InvariantCulture),
        ["CityOps:RateLimit:Burst"] = burst.ToString(CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task Requests_beyond_the_burst_of_one_key_answer_429_problem_json_with_retry_after()
    {
        await using var api = await HardenedApiHost.StartAsync(Keys(perSecond: 1, burst: 3));

        var (answers, seconds) = await UntilRefusedAsync(_ => api.SendAsync(HttpMethod.Get, "/api/v1/cases", ViewerKey));

        Assert.All(answers[..^1], a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.InRange(answers.Count - 1, 3, 3 + seconds);
        var refused = answers[^1];
        Assert.True(HardenedApiHost.IsProblem(refused));
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        var body = await refused.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(429, (int)body!["status"]!);

        // Another key has its own bucket.
        using var other = await api.SendAsync(HttpMethod.Get, "/api/v1/cases", AdminKey);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Tokens_come_back_after_the_retry_after_delay()
    {
        await using var api = await HardenedApiHost.StartAsync(Keys(perSecond: 1, burst: 1));
        using var first = await api.SendAsync(HttpMethod.Get, "/api/v1/cases", ViewerKey);
        using var refused = await api.SendAsync(HttpMethod.Get, "/api/v1/cases", ViewerKey);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

        var deadline = DateTime.UtcNow + refused.Headers.RetryAfter!.Delta!.Value + TimeSpan.FromSeconds(2);
        HttpStatusCode status;
        do
        {
            await Task.Delay(200);
            using var again = await api.SendAsync(HttpMethod.Get, "/api/v1/cases", ViewerKey);
            status = again.StatusCode;
        }
        while (status == HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Guessing_keys_is_limited_per_client_address()
    {
        await using var api = await HardenedApiHost.StartAsync(Keys(perSecond: 1, burst: 2));
        // The first request of a process is slow (the pipeline compiled, the audit table opened): made on a real key, its own bucket.
        using (var warm = await api.SendAsync(HttpMethod.Get, "/api/v1/cases", AdminKey))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        // Every guess is another key, all from one address: they share its bucket of 2, which gains a token a second on
        // the limiter's own clock (System.Threading.RateLimiting has no TimeProvider). Guess until refused: 2 guesses, plus
        // one per second the guessing took on a loaded machine, are answered 401, the next 429 (at once: 401, 401, 429).
        var (answers, seconds) = await UntilRefusedAsync(n => api.SendAsync(HttpMethod.Get, "/api/v1/cases", $"guess-{n:D16}"));

        Assert.All(answers[..^1], a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
        Assert.InRange(answers.Count - 1, 2, 2 + seconds);
    }

    [Fact]
    public async Task Open_api_is_limited_per_client_address_and_health_never()
    {
        await using var api = await HardenedApiHost.StartAsync(new Dictionary<string, string?>
        {
            ["CityOps:RateLimit:RequestsPerSecond"] = "1",
            ["CityOps:RateLimit:Burst"] = "2",
        });

        var (answers, seconds) = await UntilRefusedAsync(_ => api.SendAsync(HttpMethod.Get, "/api/v1/cases"));

        Assert.All(answers[..^1], a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.InRange(answers.Count - 1, 2, 2 + seconds);
        using var metrics = await api.SendAsync(HttpMethod.Get, "/metrics");
        Assert.NotEqual(HttpStatusCode.TooManyRequests, metrics.StatusCode);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task Unexpected_failure_answers_500_problem_json_without_exception_details(string method)
    {
        await using var api = await HardenedApiHost.StartAsync(Keys());

        using var response = await api.SendAsync(new HttpMethod(method), "/api/v1/failing", AdminKey);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.True(HardenedApiHost.IsProblem(response));
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", text, StringComparison.Ordinal);
        Assert.DoesNotContain("HardenedApiHost", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
        Assert.Contains("traceId", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/api/v1/cases", ViewerKey)]
    [InlineData("GET", "/api/v1/nothing-here", ViewerKey)]
    [InlineData("GET", "/api/v1/cases", null)]
    [InlineData("GET", "/api/v1/failing", AdminKey)]
    [InlineData("POST", "/api/v1/cases", AdminKey)]
    public async Task Every_answer_carries_the_security_headers(string method, string path, string? key)
    {
        await using var api = await HardenedApiHost.StartAsync(Keys());

        using var response = await api.SendAsync(new HttpMethod(method), path, key);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.True(response.Headers.CacheControl!.NoStore, $"Cache-Control: {response.Headers.CacheControl}");
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task Every_write_is_audited_with_key_name_resource_and_status_and_only_admins_read_it()
    {
        await using var api = await HardenedApiHost.StartAsync(Keys());
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        (await api.SendAsync(HttpMethod.Put, "/api/v1/devices/WL-7", AdminKey)).Dispose();
        (await api.SendAsync(HttpMethod.Post, "/api/v1/cases", AdminKey)).Dispose();
        (await api.SendAsync(HttpMethod.Put, "/api/v1/devices/WL-8", ViewerKey)).Dispose();
        (await api.SendAsync(HttpMethod.Post, "/api/v1/failing", AdminKey)).Dispose();
        (await api.SendAsync(HttpMethod.Put, "/api/v1/devices/WL-9", "not-a-key-of-ours-at-all")).Dispose();
        (await api.SendAsync(HttpMethod.Get, "/api/v1/cases", AdminKey)).Dispose();

        using var viewer = await api.SendAsync(HttpMethod.Get, "/api/v1/audit", ViewerKey);
        Assert.Equal(HttpStatusCode.Forbidden, viewer.StatusCode);

        using var response = await api.SendAsync(HttpMethod.Get, "/api/v1/audit", AdminKey);
        var page = await response.Content.ReadFromJsonAsync<JsonObject>();
        var entries = page!["items"]!.AsArray().Select(e => e!.AsObject()).Reverse().ToList();
        Assert.Equal(5, (int)page["total"]!);
        Assert.Equal(
            ["ops-admin PUT /api/v1/devices/WL-7 WL-7 200", "ops-admin POST /api/v1/cases case-42 201", "wall-screen PUT /api/v1/devices/WL-8 WL-8 403",
             "ops-admin POST /api/v1/failing  500", "unauthenticated@127.0.0.1 PUT /api/v1/devices/WL-9 WL-9 401"],
            entries.Select(e => $"{e["actor"]} {e["method"]} {e["path"]} {e["resourceId"]} {e["status"]}"));
        Assert.All(entries, e => Assert.InRange(DateTimeOffset.Parse((string)e["at"]!, System.Globalization.CultureInfo.InvariantCulture), before, DateTimeOffset.UtcNow));

        var byActor = await (await api.SendAsync(HttpMethod.Get, "/api/v1/audit?actor=wall-screen", AdminKey)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(1, (int)byActor!["total"]!);
        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"));
        var none = await (await api.SendAsync(HttpMethod.Get, $"/api/v1/audit?from={future}", AdminKey)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(0, (int)none!["total"]!);
        var paged = await (await api.SendAsync(HttpMethod.Get, "/api/v1/audit?page=2&pageSize=2", AdminKey)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("ops-admin POST /api/v1/cases", $"{paged!["items"]![1]!["actor"]} {paged["items"]![1]!["method"]} {paged["items"]![1]!["path"]}");
    }

    [Fact]
    public async Task Writes_on_an_open_api_are_audited_as_anonymous_at_loopback()
    {
        await using var api = await HardenedApiHost.StartAsync(new Dictionary<string, string?>());

        (await api.SendAsync(HttpMethod.Put, "/api/v1/devices/WL-1")).Dispose();

        var page = await (await api.SendAsync(HttpMethod.Get, "/api/v1/audit")).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("anonymous@loopback", (string?)page!["items"]![0]!["actor"]);
    }

    [Fact]
    public void Audit_is_for_admins_only_whatever_the_method()
    {
        Assert.Equal(Capability.Audit, AccessPolicy.Required("GET", "/api/v1/audit"));
        Assert.All(Role.All.Where(r => r != Role.Admin), r => Assert.False(r.Allows(Capability.Audit)));
    }

    // Sends (the request's number, from 1) until one is answered 429 and returns the answers and the whole seconds that
    // took, rounded up. A bucket of n admits n at once, plus a token a second on the limiter's own clock
    // (System.Threading.RateLimiting has no TimeProvider), so on a loaded machine n + seconds may pass before the refusal.
    private static async Task<(List<HttpResponseMessage> Answers, int Seconds)> UntilRefusedAsync(Func<int, Task<HttpResponseMessage>> send)
    {
        var answers = new List<HttpResponseMessage>();
        var took = System.Diagnostics.Stopwatch.StartNew();
        while (answers.Count == 0 || answers[^1].StatusCode != HttpStatusCode.TooManyRequests)
        {
            Assert.True(answers.Count < 50, "nothing refused: " + string.Join(", ", HardenedApiHost.Statuses(answers)));
            answers.Add(await send(answers.Count + 1));
        }

        return (answers, (int)Math.Ceiling(took.Elapsed.TotalSeconds));
    }
}
