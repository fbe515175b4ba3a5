using CityOps.Grains.Silences;
using CityOps.Grains.Storage;

namespace CityOps.Tests.Integration.Stores;

/// <summary>Silences and their change counter: the same assertions on SQLite and PostgreSQL.</summary>
[Collection(StoreCollection.Name)]
public sealed class SilenceStoreContractTests(StoreBackends backends)
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [BothBackends]
    public async Task Every_write_changes_the_version_and_replaces_by_id(string backend)
    {
        var store = new DbSilenceStore(await backends.OpenAsync(backend));
        Assert.Equal(0, await store.VersionAsync());
        Assert.Empty(await store.AllAsync());

        var silence = new Silence("s1", "WL-1", null, null, null, T0, T0.AddHours(1), "pump maintenance", "engineer", T0);
        await store.SaveAsync(silence);
        var first = await store.VersionAsync();
        await store.SaveAsync(silence with { ExpiredAt = T0.AddMinutes(5) });
        var second = await store.VersionAsync();

        Assert.True(second > first && first > 0, $"{first} then {second}");
        Assert.Equal(silence with { ExpiredAt = T0.AddMinutes(5) }, Assert.Single(await store.AllAsync()));
    }
}
