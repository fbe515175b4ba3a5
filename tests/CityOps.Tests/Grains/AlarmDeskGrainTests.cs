using CityOps.Grains;
using CityOps.Grains.Storage;
using CityOps.Rules;
using CityOps.Rules.Replay;
using CityOps.Tests.Infrastructure;
using ReplayKind = CityOps.Rules.Testing.CaseEventKind;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Tests.Grains;

/// <summary>The alarm desk in the device grain: one alarm per (device, rule), the filing policies, actions and the alarm log.</summary>
public sealed class AlarmDeskGrainTests(AlarmDeskClusterFixture fixture) : IClassFixture<AlarmDeskClusterFixture>
{
    private static int _next;

    private static string NewDevice(string prefix) => $"{prefix}-{Interlocked.Increment(ref _next)}";

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    private IAlarmStore Alarms => fixture.SiloServices.GetRequiredService<IAlarmStore>();

    private static Reading Water(string device, DateTimeOffset at, string metric, double value, long? seq = null) =>
        new(device, "waterlog", at.ToUnixTimeMilliseconds(), seq, [new Metric(metric, value)]);

    private static Reading Cover(string device, DateTimeOffset at, string metric, double value) =>
        new(device, "manhole", at.ToUnixTimeMilliseconds(), null, [new Metric(metric, value)]);

    private async Task<IReadOnlyList<AlarmSnapshot>> AlarmsOf(string device) =>
        (await Alarms.QueryAsync(new AlarmQuery(DeviceId: device, PageSize: 500))).Items;

    private async Task<IReadOnlyList<string>> EventsOf(string alarmId) =>
        [.. (await Alarms.EventsAfterAsync(0, 100_000)).Where(e => e.CaseId == alarmId).Select(e => e.Event)];

    [Fact]
    public async Task Concurrent_redelivery_of_the_same_readings_makes_one_alarm_and_one_case()
    {
        var device = NewDevice("WL");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        var t0 = Now;
        var batch = Enumerable.Range(0, 5).Select(i => Water(device, t0.AddSeconds(i), "depth_cm", 45 + i, seq: i)).ToArray();

        // The same batch delivered 20 times at once, as a broker does when acknowledgements were lost.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => grain.Ingest([.. batch]).AsTask()));

        var alarm = Assert.Single(await AlarmsOf(device));
        var filed = Assert.Single(await GrainCases.Of(fixture, device));
        Assert.Equal((AlarmStatus.Active, AlarmDisposition.Filed, Severity.Orange, filed.Id), (alarm.Status, alarm.Disposition, alarm.Severity, alarm.CaseId));
        Assert.Equal("道路积水 45 cm", alarm.Title);
        Assert.Equal([alarm.Id], filed.AlarmIds!.Value.ToArray());
        Assert.Equal(["alarm.raised", "alarm.filed"], await EventsOf(alarm.Id));
    }

    [Fact]
    public async Task Below_fileFrom_the_alarm_waits_and_files_when_it_escalates_across_it()
    {
        var device = NewDevice("WL");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        var t0 = Now;

        await grain.Ingest([Water(device, t0, "depth_cm", 20), Water(device, t0.AddSeconds(10), "depth_cm", 30)]);
        var waiting = Assert.Single(await AlarmsOf(device));
        Assert.Equal((AlarmDisposition.Pending, Severity.Yellow, (string?)null), (waiting.Disposition, waiting.Severity, waiting.CaseId));
        Assert.Empty(await GrainCases.Of(fixture, device));

        await grain.Ingest([Water(device, t0.AddSeconds(20), "depth_cm", 42)]);
        var filed = Assert.Single(await AlarmsOf(device));
        var @case = Assert.Single(await GrainCases.Of(fixture, device));
        Assert.Equal((waiting.Id, AlarmDisposition.Filed, Severity.Orange, @case.Id), (filed.Id, filed.Disposition, filed.Severity, filed.CaseId));
        Assert.Equal(["alarm.raised", "alarm.updated", "alarm.updated", "alarm.filed"], await EventsOf(filed.Id));
        Assert.Equal(["raised", "severity", "severity", "filed"], filed.History.Select(h => h.Type));
    }

    [Fact]
    public async Task A_new_alarm_is_raised_only_after_the_old_one_cleared()
    {
        var device = NewDevice("WL");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        var t0 = Now;

        await grain.Ingest([Water(device, t0, "depth_cm", 20), Water(device, t0.AddSeconds(10), "depth_cm", 22)]);
        await grain.Ingest([Water(device, t0.AddSeconds(20), "depth_cm", 5)]);
        await grain.Ingest([Water(device, t0.AddSeconds(30), "depth_cm", 21)]);

        var alarms = await AlarmsOf(device);
        Assert.Equal(2, alarms.Count);
        Assert.Equal([AlarmStatus.Active, AlarmStatus.Cleared], alarms.Select(a => a.Status));
        Assert.NotNull(alarms[1].ClearedAt);
        Assert.Equal(["alarm.raised", "alarm.cleared"], await EventsOf(alarms[1].Id));
    }

    [Fact]
    public async Task Confirm_waits_for_a_person_who_files_it_once()
    {
        var device = NewDevice("MH");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);

        await grain.Ingest([Cover(device, Now, "tilt_deg", 15)]);
        var alarm = Assert.Single(await AlarmsOf(device));
        Assert.Equal(AlarmDisposition.Pending, alarm.Disposition);
        Assert.Empty(await GrainCases.Of(fixture, device));

        var acknowledged = await grain.ActOnAlarm(alarm.Id, new AlarmAction(AlarmActionKind.Acknowledge, "monitor-1", "looking", null));
        Assert.True(acknowledged.Alarm!.Acknowledged);
        var filed = await grain.ActOnAlarm(alarm.Id, new AlarmAction(AlarmActionKind.File, "monitor-1", "核实: 井盖确已倾斜", null));
        var @case = Assert.Single(await GrainCases.Of(fixture, device));
        Assert.Equal((AlarmDisposition.Filed, @case.Id), (filed.Alarm!.Disposition, filed.Alarm.CaseId));
        Assert.Equal([alarm.Id], @case.AlarmIds!.Value.ToArray());

        var again = await grain.ActOnAlarm(alarm.Id, new AlarmAction(AlarmActionKind.File, "monitor-2", null, null));
        Assert.Null(again.Alarm);
        Assert.Contains("already filed", again.Error, StringComparison.Ordinal);
        Assert.Single(await GrainCases.Of(fixture, device));
        Assert.Equal(["alarm.raised", "alarm.acknowledged", "alarm.filed"], await EventsOf(alarm.Id));
        Assert.Equal(AlarmDisposition.Filed, (await Alarms.FindAsync(alarm.Id))!.Disposition);
    }

    [Fact]
    public async Task Never_raises_an_alarm_without_a_case_and_a_dismissal_keeps_its_reason()
    {
        var device = NewDevice("MH");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);

        await grain.Ingest([Cover(device, Now, "open", 1)]);
        var alarm = Assert.Single(await AlarmsOf(device));
        Assert.Equal(AlarmDisposition.Pending, alarm.Disposition);
        Assert.Empty(await GrainCases.Of(fixture, device));

        var dismissed = await grain.ActOnAlarm(alarm.Id, new AlarmAction(AlarmActionKind.Dismiss, "monitor-1", null, "误报: 检修开盖"));
        Assert.Equal((AlarmDisposition.Dismissed, "误报: 检修开盖"), (dismissed.Alarm!.Disposition, dismissed.Alarm.DismissReason));
        var refused = await grain.ActOnAlarm(alarm.Id, new AlarmAction(AlarmActionKind.File, "monitor-1", null, null));
        Assert.Contains("dismissed", refused.Error, StringComparison.Ordinal);
        Assert.Empty(await GrainCases.Of(fixture, device));
    }

    [Fact]
    public async Task Maintenance_alarms_never_file_and_are_closed_in_the_upkeep_queue()
    {
        var device = NewDevice("WL");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);

        await grain.Ingest([Water(device, Now, "battery_pct", 8)]);
        var alarm = Assert.Single(await AlarmsOf(device));
        Assert.Equal((AlarmDisposition.Maintenance, "battery"), (alarm.Disposition, alarm.RuleId));
        Assert.Empty(await GrainCases.Of(fixture, device));
        Assert.Contains(alarm.Id, (await Alarms.QueryAsync(new AlarmQuery(Disposition: AlarmDisposition.Maintenance, PageSize: 500))).Items.Select(a => a.Id));

        Assert.NotNull((await grain.ActOnAlarm(alarm.Id, new AlarmAction(AlarmActionKind.File, "monitor-1", null, null))).Error);
        Assert.NotNull((await grain.ActOnAlarm(alarm.Id, new AlarmAction(AlarmActionKind.Dismiss, "monitor-1", null, "x"))).Error);
        var closed = await grain.ActOnAlarm(alarm.Id, new AlarmAction(AlarmActionKind.Close, "upkeep-1", "battery swapped", null));
        Assert.NotNull(closed.Alarm!.ClosedAt);
        Assert.Empty(await GrainCases.Of(fixture, device));
    }

    [Fact]
    public async Task A_cleared_alarm_is_acted_on_from_the_store()
    {
        var device = NewDevice("WL");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        var t0 = Now;
        await grain.Ingest([Water(device, t0, "depth_cm", 20)]);
        await grain.Ingest([Water(device, t0.AddSeconds(10), "depth_cm", 3)]);
        var cleared = Assert.Single(await AlarmsOf(device));
        Assert.Equal(AlarmStatus.Cleared, cleared.Status);

        var dismissed = await grain.ActOnAlarm(cleared.Id, new AlarmAction(AlarmActionKind.Dismiss, "monitor-1", null, "无需立案: 积水已退"));
        Assert.Equal(AlarmDisposition.Dismissed, dismissed.Alarm!.Disposition);
        Assert.Equal(AlarmDisposition.Dismissed, (await Alarms.FindAsync(cleared.Id))!.Disposition);
        Assert.True((await grain.ActOnAlarm("al-nope", new AlarmAction(AlarmActionKind.Acknowledge, "x", null, null))).NotFound);
    }

    [Fact]
    public async Task A_flapping_alarm_stays_one_alarm_files_no_new_case_and_is_quiet_until_it_settles()
    {
        var device = NewDevice("MH");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        var t0 = Now;

        // Eight changes a minute apart: without flapping, four alarms and four cases.
        for (var i = 0; i < 8; i++)
        {
            fixture.Time.Advance(TimeSpan.FromMinutes(i == 0 ? 0 : 1)); // the clock keeps pace with the readings
            await grain.Ingest([Cover(device, t0.AddMinutes(i), "gas_ch4_lel", i % 2 == 0 ? 20 : 2)]);
        }

        var alarms = await AlarmsOf(device);
        Assert.Equal(2, alarms.Count);
        var flapping = alarms[0];
        Assert.True(flapping.Flapping);
        Assert.Equal(AlarmStatus.Active, flapping.Status);
        Assert.Equal(2, (await GrainCases.Of(fixture, device)).Count);
        Assert.Equal(["alarm.raised", "alarm.filed", "alarm.updated"], await EventsOf(flapping.Id));

        // Back above the line, then quiet for the window: it stops flapping, told once, still the same alarm.
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        await grain.Ingest([Cover(device, t0.AddMinutes(8), "gas_ch4_lel", 20)]);
        fixture.Time.Advance(TimeSpan.FromMinutes(11)); // quiet for more than the rule's 10m window
        await grain.CheckOffline();

        var settled = Assert.Single(await AlarmsOf(device), a => a.Id == flapping.Id);
        Assert.False(settled.Flapping);
        Assert.Equal(AlarmStatus.Active, settled.Status);
        Assert.Equal(["alarm.raised", "alarm.filed", "alarm.updated", "alarm.updated"], await EventsOf(flapping.Id));
        Assert.Equal(2, (await AlarmsOf(device)).Count);
        Assert.Equal(2, (await GrainCases.Of(fixture, device)).Count);

        // The replay of rule tests and backtests (DeviceReplay, counting by the same FlappingPolicy) makes the same of these
        // readings: two alarms, the second raised at 2m, flapping from 3m, quiet after the window (there at its exact end).
        var rules = RuleParser.Parse([new("desk.yaml", AlarmDeskRules.Yaml)], ShippedKinds.Options).RuleSet!;
        var events = new List<ReplayEvent>();
        var replay = new DeviceReplay(device, "manhole", rules, NoZones.Instance, new Dictionary<string, string>(), null, null, events);
        for (var i = 0; i <= 8; i++)
        {
            replay.Feed(t0.AddMinutes(i), [("gas_ch4_lel", i % 2 == 0 ? 20 : 2)]);
        }

        replay.CheckOffline(t0.AddMinutes(20));
        Assert.Equal(
            [(t0, ReplayKind.Raised), (t0.AddMinutes(1), ReplayKind.Cleared), (settled.RaisedAt, ReplayKind.Raised), (t0.AddMinutes(3), ReplayKind.Flapping), (t0.AddMinutes(18), ReplayKind.Quiet)],
            events.Select(e => (e.At, e.Event)));
    }
}
