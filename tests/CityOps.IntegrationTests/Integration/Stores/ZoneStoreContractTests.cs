using CityOps.Grains.Storage;

namespace CityOps.Tests.Integration.Stores;

/// <summary>The shared zone store (a single node keeps zones in a file): the same assertions on SQLite and PostgreSQL.</summary>
[Collection(StoreCollection.Name)]
public sealed class ZoneStoreContractTests(StoreBackends backends)
{
    [Theory]
    [BothBackends]
    public async Task Each_replacement_has_a_higher_version(string backend)
    {
        var store = new DbZoneStore(await backends.OpenAsync(backend));
        Assert.Equal((0L, (string?)null), await store.LoadAsync());
        Assert.Equal(0, await store.VersionAsync());

        await store.SaveAsync("""{"type":"FeatureCollection","features":[]}""");
        await store.SaveAsync("""{"type":"FeatureCollection","features":[1]}""");

        Assert.Equal((2L, (string?)"""{"type":"FeatureCollection","features":[1]}"""), await store.LoadAsync());
        Assert.Equal(2, await store.VersionAsync());
    }
}
