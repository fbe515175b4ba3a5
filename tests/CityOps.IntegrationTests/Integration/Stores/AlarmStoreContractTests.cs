using CityOps.Grains;
using CityOps.Grains.Dispatch;
using CityOps.Grains.Storage;
using Microsoft.Extensions.Options;

namespace CityOps.Tests.Integration.Stores;

/// <summary>The alarm store, its event log and webhook outbox: the same assertions on SQLite and PostgreSQL.</summary>
[Collection(StoreCollection.Name)]
public sealed class AlarmStoreContractTests(StoreBackends backends)
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(StoreBackends.Sqlite)]
    [InlineData(StoreBackends.Postgres)]
    public async Task Alarm_event_ids_never_go_backwards_after_pruning(string backend)
    {
        var store = await OpenAsync(backend);
        for (var i = 0; i < 3; i++)
        {
            await store.SaveAsync(Alarm($"al-{i}", T0), "alarm.raised", T0.AddMinutes(i));
        }

        Assert.Equal(2, await store.PruneEventsAsync(T0.AddDays(60)));
        Assert.Equal(3, await store.LastSequenceAsync());
        Assert.Equal([3L], (await store.EventsAfterAsync(0, 100)).Select(e => e.Sequence));
        Assert.Equal(4, (await store.SaveAsync(Alarm("al-3", T0), "alarm.raised", T0.AddDays(61))).Sequence);
        Assert.Equal(1, await store.PruneEventsAsync(T0.AddDays(90)));
        Assert.Equal(5, (await store.SaveAsync(Alarm("al-4", T0), "alarm.raised", T0.AddDays(91))).Sequence);
    }

    [Theory]
    [InlineData(StoreBackends.Sqlite)]
    [InlineData(StoreBackends.Postgres)]
    public async Task Alarm_events_replay_in_order_with_the_alarm_as_json(string backend)
    {
        var store = await OpenAsync(backend);
        var raised = await store.SaveAsync(Alarm("al-a", T0), "alarm.raised", T0);
        var acknowledged = await store.SaveAsync(
            Alarm("al-a", T0) with { Acknowledged = true, AcknowledgedBy = "monitor-1", AcknowledgedAt = T0.AddMinutes(1) }, "alarm.acknowledged", T0.AddMinutes(1));

        Assert.Equal((1L, 2L), (raised.Sequence, acknowledged.Sequence));
        var replay = await store.EventsAfterAsync(0, 10);
        Assert.Equal(["alarm.raised", "alarm.acknowledged"], replay.Select(e => e.Event));
        Assert.Equal("al-a", replay[0].CaseId);
        Assert.Contains("\"event\":\"alarm.acknowledged\"", replay[1].Body, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"active\"", replay[1].Body, StringComparison.Ordinal);
        Assert.Contains("\"disposition\":\"pending\"", replay[1].Body, StringComparison.Ordinal);
        var found = await store.FindAsync("al-a");
        Assert.True(found!.Acknowledged);
        Assert.Equal("monitor-1", found.AcknowledgedBy);
        Assert.Null(await store.FindAsync("nope"));
    }

    [Theory]
    [InlineData(StoreBackends.Sqlite)]
    [InlineData(StoreBackends.Postgres)]
    public async Task Alarm_queries_filter_page_and_order_newest_first(string backend)
    {
        var store = await OpenAsync(backend);
        for (var i = 0; i < 5; i++)
        {
            await store.SaveAsync(Alarm($"q{i}", T0.AddHours(i), device: i % 2 == 0 ? "WL-1" : "WL-2", severity: i < 3 ? Severity.Blue : Severity.Red));
        }

        await store.SaveAsync(Alarm("q9", T0.AddHours(9), device: "WL-3") with
        {
            Status = AlarmStatus.Cleared, ClearedAt = T0.AddHours(10), Disposition = AlarmDisposition.Maintenance, Acknowledged = true, Zones = ["underpass-1", "river"],
        });

        var page = await store.QueryAsync(new AlarmQuery(DeviceId: "WL-1", Page: 1, PageSize: 2));
        Assert.Equal(3, page.Total);
        Assert.Equal(["q4", "q2"], page.Items.Select(a => a.Id));
        Assert.Equal(["q0"], (await store.QueryAsync(new AlarmQuery(DeviceId: "WL-1", Page: 2, PageSize: 2))).Items.Select(a => a.Id));
        Assert.Equal(["q4", "q3"], (await store.QueryAsync(new AlarmQuery(Severity: Severity.Red))).Items.Select(a => a.Id));
        Assert.Equal(["q9"], (await store.QueryAsync(new AlarmQuery(Status: AlarmStatus.Cleared))).Items.Select(a => a.Id));
        Assert.Equal(5, (await store.QueryAsync(new AlarmQuery(Status: AlarmStatus.Active))).Total);
        Assert.Equal(["q9"], (await store.QueryAsync(new AlarmQuery(Acknowledged: true))).Items.Select(a => a.Id));
        Assert.Equal(["q9"], (await store.QueryAsync(new AlarmQuery(Disposition: AlarmDisposition.Maintenance))).Items.Select(a => a.Id));
        Assert.Equal(["q9"], (await store.QueryAsync(new AlarmQuery(Zone: "river"))).Items.Select(a => a.Id));
        Assert.Empty((await store.QueryAsync(new AlarmQuery(Zone: "rive"))).Items);
        Assert.Equal(6, (await store.QueryAsync(new AlarmQuery(Kind: "waterlog", RuleId: "waterlog-depth", Grid: "410702001001001"))).Total);
    }

    [Theory]
    [InlineData(StoreBackends.Sqlite)]
    [InlineData(StoreBackends.Postgres)]
    public async Task Alarm_webhook_outbox_keeps_events_in_order_until_delivered(string backend)
    {
        var store = await OpenAsync(backend, webhook: true);
        await store.SaveAsync(Alarm("al-w", T0), "alarm.raised", T0);
        await store.SaveAsync(Alarm("al-w", T0), "alarm.filed", T0.AddSeconds(1));

        var pending = await store.Outbox.PendingAsync(10);
        Assert.Equal(["alarm.raised", "alarm.filed"], pending.Select(p => p.Event.Event));
        Assert.Equal(2, await store.Outbox.PendingCountAsync());
        await store.Outbox.DeliveredAsync(pending[0].Event.Sequence);
        await store.Outbox.ParkAsync(pending[1].Event.Sequence, 1, "410 gone");
        Assert.Equal(0, await store.Outbox.PendingCountAsync());

        // Delivered events may be pruned; the newest stays.
        Assert.Equal(1, await store.PruneEventsAsync(T0.AddDays(1)));
    }

    private async Task<DbAlarmStore> OpenAsync(string backend, bool webhook = false) =>
        new(await backends.OpenAsync(backend), Options.Create(new DispatchOptions { WebhookUrl = webhook ? "http://127.0.0.1:9/hook" : null }));

    private static AlarmSnapshot Alarm(string id, DateTimeOffset raisedAt, string device = "WL-1", Severity severity = Severity.Blue) => new(
        id, device, "waterlog-depth", "waterlog", severity, AlarmStatus.Active, 20, 20, raisedAt, null, raisedAt,
        false, null, null, AlarmDisposition.Pending, null, null, false, null, false, 35.3, 113.9, "410702001001001", "unit-a",
        "积水", null, null, [], []);
}
