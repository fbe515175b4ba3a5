using CityOps.Api.Audit;

namespace CityOps.Tests.Integration.Stores;

/// <summary>The audit log (each node's, in its SQLite file): the same assertions on SQLite and PostgreSQL.</summary>
[Collection(StoreCollection.Name)]
public sealed class AuditLogContractTests(StoreBackends backends)
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [BothBackends]
    public async Task Entries_come_back_newest_first_filtered_and_paged(string backend)
    {
        var log = new DbAuditLog(await backends.OpenAsync(backend));
        await log.AppendAsync(new AuditEntry(0, T0, "alice", "POST", "/api/v1/cases", "case-1", 201, "127.0.0.1"));
        await log.AppendAsync(new AuditEntry(0, T0.AddMinutes(1), "bob", "PUT", "/api/v1/rules", null, 400, null));
        await log.AppendAsync(new AuditEntry(0, T0.AddMinutes(2), "alice", "PUT", "/api/v1/zones", null, 200, null));

        var all = await log.QueryAsync(new AuditQuery(null, null, null, 1, 2));
        Assert.Equal(3, all.Total);
        Assert.Equal(["/api/v1/zones", "/api/v1/rules"], all.Items.Select(e => e.Path));
        Assert.True(all.Items[0].Sequence > all.Items[1].Sequence);

        var alice = await log.QueryAsync(new AuditQuery(T0, T0.AddMinutes(2), "alice", 1, 10));
        var entry = Assert.Single(alice.Items);
        Assert.Equal((T0, "POST", "case-1", 201, "127.0.0.1"), (entry.At, entry.Method, entry.ResourceId, entry.Status, entry.RemoteAddress));
    }
}
