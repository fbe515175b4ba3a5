using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CityOps.Api.Audit;
using CityOps.Api.Security;
using CityOps.Grains.Storage;
using CityOps.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CityOps.Tests.Security;

/// <summary>Issue 16.5: refused requests cannot fill the audit log for ever, nor loopback aliases multiply the rate limit.</summary>
public sealed class AuditBoundsTests
{
    private const string AdminKey = "admin-key-0123456789abcdef";

    private static Dictionary<string, string?> Settings() => new()
    {
        ["CityOps:Auth:ApiKeys:0:Key"] = AdminKey,
        ["CityOps:Auth:ApiKeys:0:Role"] = "admin",
        ["CityOps:Auth:ApiKeys:0:Name"] = "ops-admin",
        ["CityOps:RateLimit:RequestsPerSecond"] = "100000",
        ["CityOps:RateLimit:Burst"] = "100000",
    };

    [Fact]
    public async Task A_flood_of_unauthenticated_writes_with_long_paths_is_one_short_entry_a_minute_with_its_count()
    {
        await using var api = await HardenedApiHost.StartAsync(Settings());
        const int flood = 300;

        for (var i = 0; i < flood; i++)
        {
            using var response = await api.SendAsync(HttpMethod.Post, "/api/v1/cases/" + i + new string('x', 2048));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using var audit = await api.SendAsync(HttpMethod.Get, "/api/v1/audit?actor=unauthenticated@127.0.0.1&pageSize=1000", AdminKey);
        var entries = (await audit.Content.ReadFromJsonAsync<JsonObject>())!["items"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.InRange(entries.Count, 1, 3); // one a minute: the flood may straddle a minute or two on a slow machine
        Assert.Equal(flood, entries.Sum(e => (int)e["repeats"]!));
        Assert.All(entries, e => Assert.True(((string)e["path"]!).Length <= new AuditOptions().MaxPathLength, "path not truncated"));
        Assert.All(entries, e => Assert.EndsWith("…", (string)e["path"]!));
    }

    [Fact]
    public async Task Entries_older_than_the_retention_are_deleted_by_the_sweep()
    {
        using var folder = new TempFolder("audit-retention");
        using var db = StoreDatabase.Sqlite(folder.Combine("cityops.db"));
        var log = new DbAuditLog(db);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 7, 20, 8, 0, 0, TimeSpan.Zero));
        var options = new AuditOptions { Retention = TimeSpan.FromDays(90) };
        await log.AppendAsync(new AuditEntry(0, time.GetUtcNow().AddDays(-91), "ops-admin", "PUT", "/api/v1/devices/old", "old", 200, "127.0.0.1"));
        await log.AppendAsync(new AuditEntry(0, time.GetUtcNow().AddDays(-89), "ops-admin", "PUT", "/api/v1/devices/kept", "kept", 200, "127.0.0.1"));
        var sweeper = new AuditRetentionSweeper(log, Options.Create(options), time, NullLogger<AuditRetentionSweeper>.Instance);

        Assert.Equal(1, await sweeper.SweepAsync());

        var page = await log.QueryAsync(new AuditQuery(null, null, null, 1, 100));
        Assert.Equal("kept", Assert.Single(page.Items).ResourceId);
    }

    [Fact]
    public async Task Refusals_of_a_key_holder_are_grouped_per_path_and_successes_never()
    {
        using var folder = new TempFolder("audit-groups");
        using var db = StoreDatabase.Sqlite(folder.Combine("cityops.db"));
        var log = new DbAuditLog(db);
        var at = new DateTimeOffset(2026, 7, 20, 8, 0, 10, TimeSpan.Zero);
        for (var i = 0; i < 3; i++)
        {
            await log.AppendAsync(new AuditEntry(0, at.AddSeconds(i), "wall-screen", "PUT", "/api/v1/devices/a", "a", 403, "10.0.0.5"));
            await log.AppendAsync(new AuditEntry(0, at.AddSeconds(i), "wall-screen", "PUT", "/api/v1/devices/b", "b", 403, "10.0.0.5"));
            await log.AppendAsync(new AuditEntry(0, at.AddSeconds(i), "ops-admin", "PUT", "/api/v1/devices/a", "a", 200, "10.0.0.6"));
        }

        await log.AppendAsync(new AuditEntry(0, at.AddMinutes(1), "wall-screen", "PUT", "/api/v1/devices/a", "a", 403, "10.0.0.5"));

        var items = (await log.QueryAsync(new AuditQuery(null, null, null, 1, 100))).Items;
        Assert.Equal(
            ["wall-screen /api/v1/devices/a 3", "wall-screen /api/v1/devices/b 3", "wall-screen /api/v1/devices/a 1", "ops-admin /api/v1/devices/a 1"],
            items.Where(e => e.Actor == "wall-screen").Concat(items.Where(e => e.Actor == "ops-admin").Take(1))
                .OrderBy(e => e.Actor == "ops-admin").ThenBy(e => e.At).ThenBy(e => e.Path)
                .Select(e => $"{e.Actor} {e.Path} {e.Repeats}"));
        Assert.Equal(3, items.Count(e => e.Actor == "ops-admin"));
    }

    [Theory]
    [InlineData("127.0.0.2", "127.0.0.3")]
    [InlineData("127.0.0.1", "::1")]
    [InlineData("203.0.113.7", "203.0.113.200")]
    [InlineData("2001:db8:1:2::10", "2001:db8:1:2:ffff::1")]
    [InlineData("::ffff:198.51.100.4", "198.51.100.9")]
    public void Addresses_of_one_network_share_one_rate_limit_bucket(string one, string other)
    {
        var keys = new ApiKeyRing(new AuthOptions());
        Assert.Equal(RateLimiting.PartitionOf(Client(one), keys), RateLimiting.PartitionOf(Client(other), keys));
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.114.7")]
    [InlineData("2001:db8:1:2::10", "2001:db8:1:3::10")]
    public void Addresses_of_other_networks_have_their_own_bucket(string one, string other)
    {
        var keys = new ApiKeyRing(new AuthOptions());
        Assert.NotEqual(RateLimiting.PartitionOf(Client(one), keys), RateLimiting.PartitionOf(Client(other), keys));
    }

    private static DefaultHttpContext Client(string address)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        return context;
    }
}
