using CityOps.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace CityOps.Tests.Integration.Stores;

/// <summary>Orleans grain state with its etag check: the same assertions on SQLite and PostgreSQL.</summary>
[Collection(StoreCollection.Name)]
public sealed class GrainStorageContractTests(StoreBackends backends)
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    [Theory]
    [BothBackends]
    public async Task State_round_trips_and_a_stale_etag_is_refused(string backend)
    {
        var storage = new DbGrainStorage(await backends.OpenAsync(backend), Serializer);
        var id = GrainId.Create("device", "WL-1");

        var fresh = new GrainState<List<int>>();
        await storage.ReadStateAsync("s", id, fresh);
        Assert.Equal((false, null, 0), (fresh.RecordExists, fresh.ETag, fresh.State!.Count));

        fresh.State = [1, 2];
        await storage.WriteStateAsync("s", id, fresh);
        var stale = new GrainState<List<int>>();
        await storage.ReadStateAsync("s", id, stale);
        Assert.Equal([1, 2], stale.State);
        Assert.Equal(fresh.ETag, stale.ETag);

        fresh.State = [3];
        await storage.WriteStateAsync("s", id, fresh);
        Assert.NotEqual(stale.ETag, fresh.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("s", id, stale));

        await storage.ClearStateAsync("s", id, fresh);
        var cleared = new GrainState<List<int>>();
        await storage.ReadStateAsync("s", id, cleared);
        Assert.False(cleared.RecordExists);
    }
}
