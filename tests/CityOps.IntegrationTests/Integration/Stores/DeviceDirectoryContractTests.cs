using System.Collections.Immutable;
using CityOps.Grains;
using CityOps.Grains.Storage;

namespace CityOps.Tests.Integration.Stores;

/// <summary>The device registry index: the same assertions on SQLite and PostgreSQL.</summary>
[Collection(StoreCollection.Name)]
public sealed class DeviceDirectoryContractTests(StoreBackends backends)
{
    [Theory]
    [BothBackends]
    public async Task Ids_sort_by_code_point_and_filters_page(string backend)
    {
        var directory = new DbDeviceDirectory(await backends.OpenAsync(backend));
        // Upper case before lower case, '-' before digits: ordinal, never the locale's order.
        foreach (var (id, kind, grid, online) in new[] { ("wl-b", "waterlog", "1", true), ("WL-a", "waterlog", "1", false), ("MH-1", "manhole", "2", true), ("wl-9", "waterlog", null, true) })
        {
            await directory.UpsertAsync(Device(id, kind, grid, online));
        }

        Assert.Equal(["MH-1", "WL-a", "wl-9", "wl-b"], await directory.AllIdsAsync());
        var waterlogs = await directory.QueryAsync(new DeviceQuery(Kind: "waterlog", PageSize: 2));
        Assert.Equal(3, waterlogs.Total);
        Assert.Equal(["WL-a", "wl-9"], waterlogs.Items.Select(d => d.Id));
        Assert.Equal(["wl-b"], (await directory.QueryAsync(new DeviceQuery(Kind: "waterlog", Page: 2, PageSize: 2))).Items.Select(d => d.Id));
        Assert.Equal(["WL-a", "wl-b"], (await directory.QueryAsync(new DeviceQuery(Grid: "1"))).Items.Select(d => d.Id));
        Assert.Equal(["WL-a"], (await directory.QueryAsync(new DeviceQuery(Online: false))).Items.Select(d => d.Id));
        Assert.Equal(3, (await directory.QueryAsync(new DeviceQuery(Online: true))).Total);
    }

    [Theory]
    [BothBackends]
    public async Task Upsert_replaces_the_row_without_readings_or_alarms(string backend)
    {
        var directory = new DbDeviceDirectory(await backends.OpenAsync(backend));
        await directory.UpsertAsync(Device("WL-1", "waterlog", "1", true));
        await directory.UpsertAsync(Device("WL-1", "waterlog", "2", false) with { Last = ImmutableDictionary<string, double>.Empty.Add("depth_cm", 3) });

        var stored = Assert.Single((await directory.QueryAsync(new DeviceQuery())).Items);
        Assert.Equal(("2", false), (stored.Grid, stored.Online));
        Assert.Empty(stored.Last);
        Assert.Empty((await directory.QueryAsync(new DeviceQuery(Grid: "1"))).Items);
    }

    [Theory]
    [BothBackends]
    public async Task Children_are_found_by_their_parent_attribute_in_id_order_up_to_the_limit_and_follow_a_changed_parent(string backend)
    {
        var directory = new DbDeviceDirectory(await backends.OpenAsync(backend));
        await directory.UpsertAsync(Device("CAB-1", "lampcabinet", "1", true));
        foreach (var (id, parent) in new[] { ("L-b", "CAB-1"), ("L-A", "CAB-1"), ("L-c", "CAB-2"), ("L-9", "CAB-1") })
        {
            await directory.UpsertAsync(Device(id, "streetlight", "1", true) with { Attributes = ImmutableDictionary<string, string>.Empty.Add("parent", parent).Add("pole", "7") });
        }

        Assert.Equal(["L-9", "L-A", "L-b"], await directory.ChildrenOfAsync("CAB-1", 10));
        Assert.Equal(["L-9", "L-A"], await directory.ChildrenOfAsync("CAB-1", 2));
        Assert.Empty(await directory.ChildrenOfAsync("L-b", 10));

        // A lamp moved to another cabinet, one without a parent any more.
        await directory.UpsertAsync(Device("L-A", "streetlight", "1", true) with { Attributes = ImmutableDictionary<string, string>.Empty.Add("parent", "CAB-2") });
        await directory.UpsertAsync(Device("L-9", "streetlight", "1", false));
        Assert.Equal(["L-b"], await directory.ChildrenOfAsync("CAB-1", 10));
        Assert.Equal(["L-A", "L-c"], await directory.ChildrenOfAsync("CAB-2", 10));
    }

    private static DeviceSnapshot Device(string id, string kind, string? grid, bool online) => new(
        id, kind, null, 35.3, 113.9, null, ImmutableDictionary<string, string>.Empty, grid, null, online, null,
        ImmutableDictionary<string, double>.Empty, [], false, false);
}
