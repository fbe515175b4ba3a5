using CityOps.Grains.RuleSets;
using CityOps.Grains.Storage;

namespace CityOps.Tests.Integration.Stores;

/// <summary>The history of rule set versions: the same assertions on SQLite and PostgreSQL.</summary>
[Collection(StoreCollection.Name)]
public sealed class RuleVersionStoreContractTests(StoreBackends backends)
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [BothBackends]
    public async Task A_taken_number_is_refused_and_versions_come_back_oldest_first(string backend)
    {
        var store = new DbRuleVersionStore(await backends.OpenAsync(backend));
        Assert.Equal(backend == StoreBackends.Postgres, store.IsShared);
        Assert.Null(await store.LatestAsync());

        Assert.True(await store.TryAddAsync(Version(1, "file", null)));
        Assert.True(await store.TryAddAsync(Version(2, "api:alice", "restores version 1")));
        Assert.False(await store.TryAddAsync(Version(2, "api:bob", null)));

        var latest = await store.LatestAsync();
        Assert.Equal((2, "api:alice", "restores version 1", T0.AddMinutes(2)), (latest!.Version, latest.Author, latest.Note, latest.CreatedAt));
        Assert.Equal("rules: []", latest.Sources["a.yaml"]);
        var all = await store.AllAsync();
        Assert.Equal([1, 2], all.Select(v => v.Version));
        Assert.Null(all[0].Note);
    }

    private static RuleVersion Version(int number, string author, string? note) =>
        new(number, T0.AddMinutes(number), author, new Dictionary<string, string> { ["a.yaml"] = "rules: []" }, note);
}
