using CityOps.Grains;
using CityOps.Grains.Cases;
using CityOps.Grains.Dispatch;
using CityOps.Grains.Storage;
using Microsoft.Extensions.Options;

namespace CityOps.Tests.Integration.Stores;

/// <summary>The case store, its event log and webhook outbox: the same assertions on SQLite and PostgreSQL.</summary>
[Collection(StoreCollection.Name)]
public sealed class CaseStoreContractTests(StoreBackends backends)
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [BothBackends]
    public async Task Event_ids_never_go_backwards_after_pruning(string backend)
    {
        var store = await OpenAsync(backend);
        for (var i = 0; i < 3; i++)
        {
            await store.SaveAsync(Case($"c{i}", T0), CaseEventKind.Filed, T0.AddMinutes(i));
        }

        // Every event is older than the cut-off: all but the newest go.
        Assert.Equal(2, await store.PruneEventsAsync(T0.AddDays(60)));
        Assert.Equal(3, await store.LastSequenceAsync());
        Assert.Equal([3L], (await store.EventsAfterAsync(0, 100)).Select(e => e.Sequence));

        var next = await store.SaveAsync(Case("c3", T0), CaseEventKind.Filed, T0.AddDays(61));
        Assert.Equal(4, next.Sequence);
        Assert.Equal([4L], (await store.EventsAfterAsync(3, 100)).Select(e => e.Sequence));

        // Pruning again keeps the newest, whatever its age.
        Assert.Equal(1, await store.PruneEventsAsync(T0.AddDays(90)));
        Assert.Equal(5, (await store.SaveAsync(Case("c4", T0), CaseEventKind.Filed, T0.AddDays(91))).Sequence);
    }

    [Theory]
    [BothBackends]
    public async Task Events_carry_sequence_key_and_body_and_replay_in_order(string backend)
    {
        var store = await OpenAsync(backend);
        var first = await store.SaveAsync(Case("a", T0), CaseEventKind.Filed, T0);
        var second = await store.SaveAsync(Case("a", T0) with { Status = CaseStatus.Dispatched }, CaseEventKind.Dispatched, T0.AddMinutes(1));

        Assert.Equal((1L, 2L), (first.Sequence, second.Sequence));
        Assert.NotEqual(first.Key, second.Key);
        var replay = await store.EventsAfterAsync(0, 10);
        Assert.Equal(["case.filed", "case.dispatched"], replay.Select(e => e.Event));
        Assert.Equal(second, replay[1]);
        Assert.Contains("\"sequence\":2", replay[1].Body, StringComparison.Ordinal);
        Assert.Single(await store.EventsAfterAsync(0, 1));
        Assert.Empty(await store.EventsAfterAsync(2, 10));
        Assert.Equal(CaseStatus.Dispatched, (await store.FindAsync("a"))!.Status);
        Assert.Null(await store.FindAsync("nope"));
    }

    [Theory]
    [BothBackends]
    public async Task Queries_filter_page_and_order_newest_first(string backend)
    {
        var store = await OpenAsync(backend);
        for (var i = 0; i < 5; i++)
        {
            await store.SaveAsync(Case($"q{i}", T0.AddHours(i), device: i % 2 == 0 ? "WL-1" : "WL-2"));
        }

        await store.SaveAsync(Case("q9", T0.AddHours(9), device: "WL-3") with { Status = CaseStatus.Closed, ClosedAt = T0.AddHours(10) });

        var page = await store.QueryAsync(new CaseQuery(DeviceId: "WL-1", Page: 1, PageSize: 2));
        Assert.Equal(3, page.Total);
        Assert.Equal(["q4", "q2"], page.Items.Select(c => c.Id));
        Assert.Equal(["q0"], (await store.QueryAsync(new CaseQuery(DeviceId: "WL-1", Page: 2, PageSize: 2))).Items.Select(c => c.Id));
        Assert.Equal(["q2", "q1"], (await store.QueryAsync(new CaseQuery(From: T0.AddHours(1), To: T0.AddHours(3)))).Items.Select(c => c.Id));
        Assert.Equal(["q9"], (await store.QueryAsync(new CaseQuery(Status: CaseStatus.Closed))).Items.Select(c => c.Id));

        Assert.Equal(["q0", "q1", "q2", "q3", "q4"], (await store.OpenAsync()).Select(c => c.Id).Order(StringComparer.Ordinal));
        // Changed in the period, or still open (q0: an unhandled case is carried over into later periods' KPIs); q9 closed before it.
        Assert.Equal(["q0", "q1", "q2"], (await store.ActiveBetweenAsync(T0.AddHours(1), T0.AddHours(3))).Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.Equal(["q0", "q1", "q2", "q3", "q4"], (await store.ActiveBetweenAsync(T0.AddHours(20), T0.AddHours(21))).Select(c => c.Id).Order(StringComparer.Ordinal));
    }

    [Theory]
    [BothBackends]
    public async Task Outbox_keeps_pending_events_through_pruning_until_delivered(string backend)
    {
        var store = await OpenAsync(backend, webhook: true);
        var outbox = store.Outbox;
        var first = await store.SaveAsync(Case("o1", T0), CaseEventKind.Filed, T0);
        var second = await store.SaveAsync(Case("o2", T0), CaseEventKind.Filed, T0.AddMinutes(1));
        await store.SaveAsync(Case("o3", T0), CaseEventKind.Filed, T0.AddMinutes(2));
        Assert.Equal(3, await outbox.PendingCountAsync());

        await outbox.RetryLaterAsync(first.Sequence, 1, T0.AddMinutes(5), "503");
        await outbox.ParkAsync(second.Sequence, 2, "400");
        var pending = await outbox.PendingAsync(10);
        Assert.Equal([1L, 3L], pending.Select(p => p.Event.Sequence));
        Assert.Equal((1, T0.AddMinutes(5)), (pending[0].Attempts, pending[0].NextAttemptAt));

        // Pending events stay however old; the parked one goes, the newest stays.
        Assert.Equal(1, await store.PruneEventsAsync(T0.AddDays(60)));
        Assert.Equal([1L, 3L], (await store.EventsAfterAsync(0, 10)).Select(e => e.Sequence));

        await outbox.DeliveredAsync(first.Sequence);
        Assert.Equal(1, await outbox.PendingCountAsync());
        Assert.Equal(1, await store.PruneEventsAsync(T0.AddDays(60)));
        Assert.Equal(3, await store.LastSequenceAsync());
    }

    private async Task<DbCaseStore> OpenAsync(string backend, bool webhook = false) =>
        new(await backends.OpenAsync(backend), Options.Create(new DispatchOptions { WebhookUrl = webhook ? "http://127.0.0.1:9/hook" : null }));

    private static CaseSnapshot Case(string id, DateTimeOffset openedAt, string? device = "WL-1") => new(
        id, CaseStatus.Filed, Severity.Blue, "0406", null, "积水", device, "waterlog-depth", null, null, "410702001001001", "unit-a",
        20, 20, true, openedAt, openedAt, null, null, []);
}
