using CityOps.Grains;
using CityOps.Grains.Dispatch;
using CityOps.Grains.Storage;
using Microsoft.Extensions.Options;

namespace CityOps.Tests.Integration.Stores;

/// <summary>The incident store: incidents queried without grains, their events in the alarm log and outbox, on SQLite and PostgreSQL.</summary>
[Collection(StoreCollection.Name)]
public sealed class IncidentStoreContractTests(StoreBackends backends)
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [BothBackends]
    public async Task Incidents_filter_page_and_order_newest_first_with_their_members(string backend)
    {
        var store = await OpenAsync(backend);
        for (var i = 0; i < 4; i++)
        {
            await store.SaveAsync(Incident($"in-{i}", T0.AddHours(i), group: i % 2 == 0 ? "east" : "west"));
        }

        await store.SaveAsync(Incident("in-9", T0.AddHours(9), "east") with { Status = IncidentStatus.Cleared, ClearedAt = T0.AddHours(10), Count = 0 });

        var page = await store.QueryAsync(new IncidentQuery(Group: "east", PageSize: 2));
        Assert.Equal(3, page.Total);
        Assert.Equal(["in-9", "in-2"], page.Items.Select(i => i.Id));
        Assert.Equal(["in-0"], (await store.QueryAsync(new IncidentQuery(Group: "east", Page: 2, PageSize: 2))).Items.Select(i => i.Id));
        Assert.Equal(["in-9"], (await store.QueryAsync(new IncidentQuery(Status: IncidentStatus.Cleared))).Items.Select(i => i.Id));
        Assert.Equal(4, (await store.QueryAsync(new IncidentQuery(Status: IncidentStatus.Open, RuleId: "catchment-flood"))).Total);
        Assert.Empty((await store.QueryAsync(new IncidentQuery(RuleId: "other"))).Items);

        var found = await store.FindAsync("in-1");
        Assert.Equal(("west", 2, "case-1"), (found!.Group, found.Members.Length, found.CaseId));
        Assert.Equal((35.3, 113.9), (found.Members[0].Lat!.Value, found.Members[0].Lon!.Value));
        Assert.Null(await store.FindAsync("nope"));
    }

    [Theory]
    [BothBackends]
    public async Task Incident_events_join_the_alarm_log_and_its_webhook_outbox_in_order(string backend)
    {
        var db = await backends.OpenAsync(backend);
        var options = Options.Create(new DispatchOptions { WebhookUrl = "http://127.0.0.1:9/hook" });
        var alarms = new DbAlarmStore(db, options);
        var incidents = new DbIncidentStore(db, options);
        var before = await alarms.LastSequenceAsync();

        var opened = await incidents.SaveAsync(Incident("in-e", T0, "east"), "incident.opened", T0);
        var cleared = await incidents.SaveAsync(Incident("in-e", T0, "east") with { Status = IncidentStatus.Cleared, ClearedAt = T0.AddHours(1) }, "incident.cleared", T0.AddHours(1));

        Assert.Equal((before + 1, before + 2), (opened.Sequence, cleared.Sequence));
        var replay = await alarms.EventsAfterAsync(before, 10);
        Assert.Equal(["incident.opened", "incident.cleared"], replay.Select(e => e.Event));
        Assert.Equal("in-e", replay[0].CaseId);
        Assert.Contains("\"incident\":{\"id\":\"in-e\"", replay[0].Body, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"cleared\"", replay[1].Body, StringComparison.Ordinal);
        Assert.Equal(["incident.opened", "incident.cleared"], (await alarms.Outbox.PendingAsync(100)).Where(p => p.Event.CaseId == "in-e").Select(p => p.Event.Event));
        Assert.Equal(IncidentStatus.Cleared, (await incidents.FindAsync("in-e"))!.Status);
    }

    private async Task<DbIncidentStore> OpenAsync(string backend) =>
        new(await backends.OpenAsync(backend), Options.Create(new DispatchOptions()));

    private static IncidentSnapshot Incident(string id, DateTimeOffset openedAt, string group) => new(
        id, "catchment-flood", group, group, IncidentStatus.Open, Severity.Orange, "0406", group + " 多点积水 (2 处)", "case-" + id[3..], 2,
        openedAt, openedAt, null,
        [new IncidentMember("al-1", "WL-1", "depth", Severity.Orange, true, 35.3, 113.9, openedAt, null),
         new IncidentMember("al-2", "WL-2", "depth", Severity.Yellow, true, 35.31, 113.91, openedAt, null)]);
}
