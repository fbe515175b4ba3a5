using CityOps.Grains;
using CityOps.Grains.Devices;
using CityOps.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Tests.Grains;

/// <summary>
/// Time without readings in the device grain: <c>escalate:</c> steps and <c>remind:</c>, run by the sweep path
/// (<see cref="IDeviceGrain.CheckOffline"/>, timed through the <see cref="DeviceWatchList"/>) with the fake clock.
/// </summary>
public sealed class AlarmClockGrainTests(AlarmClockClusterFixture fixture) : IClassFixture<AlarmClockClusterFixture>
{
    private static int _next;

    private static string NewDevice(string prefix) => $"{prefix}-{Interlocked.Increment(ref _next)}";

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    private IAlarmStore Alarms => fixture.SiloServices.GetRequiredService<IAlarmStore>();

    private DeviceWatchList Watch => fixture.SiloServices.GetRequiredService<DeviceWatchList>();

    private DeviceSweeper Sweeper => fixture.SiloServices.GetRequiredService<DeviceSweeper>();

    private static Reading Water(string device, DateTimeOffset at, double depth) =>
        new(device, "waterlog", at.ToUnixTimeMilliseconds(), null, [new Metric("depth_cm", depth)]);

    private static Reading Cover(string device, DateTimeOffset at, string metric, double value) =>
        new(device, "manhole", at.ToUnixTimeMilliseconds(), null, [new Metric(metric, value)]);

    private async Task<AlarmSnapshot> AlarmOf(string device) =>
        Assert.Single((await Alarms.QueryAsync(new AlarmQuery(DeviceId: device, PageSize: 500))).Items);

    private async Task<IReadOnlyList<string>> EventsOf(string alarmId) =>
        [.. (await Alarms.EventsAfterAsync(0, 100_000)).Where(e => e.CaseId == alarmId).Select(e => e.Event)];

    // Moves the clock and runs the silo's sweep (which checks the devices due), then asks the device itself too: it must
    // act on what is due and on nothing before.
    private async Task Sweep(IDeviceGrain grain, TimeSpan advance)
    {
        fixture.Time.Advance(advance);
        await Sweeper.SweepAsync();
        await grain.CheckOffline();
    }

    [Fact]
    public async Task An_unacknowledged_alarm_escalates_after_its_step_not_before_and_files_across_fileFrom()
    {
        var device = NewDevice("WL");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        await grain.Ingest([Water(device, Now, 20)]);
        var raised = await AlarmOf(device);
        Assert.Equal((Severity.Blue, AlarmDisposition.Pending), (raised.Severity, raised.Disposition));

        await Sweep(grain, TimeSpan.FromMinutes(29));
        Assert.Equal(Severity.Blue, (await AlarmOf(device)).Severity);
        Assert.Empty(await GrainCases.Of(fixture, device));

        await Sweep(grain, TimeSpan.FromMinutes(1));
        var escalated = await AlarmOf(device);
        var @case = Assert.Single(await GrainCases.Of(fixture, device));
        Assert.Equal((raised.Id, Severity.Orange, AlarmDisposition.Filed, @case.Id), (escalated.Id, escalated.Severity, escalated.Disposition, escalated.CaseId));
        Assert.Equal(Severity.Orange, @case.Severity);
        Assert.Equal(["alarm.raised", "alarm.escalated", "alarm.filed"], await EventsOf(raised.Id));
        var step = Assert.Single(escalated.History, h => h.Type == "escalated");
        Assert.Equal(("blue", "orange", "rule:depth"), (step.From, step.To, step.Actor));

        // Never twice, never down: a lower reading keeps orange.
        await Sweep(grain, TimeSpan.FromMinutes(30));
        await grain.Ingest([Water(device, Now, 22)]);
        Assert.Equal(Severity.Orange, (await AlarmOf(device)).Severity);
        Assert.Equal(["alarm.raised", "alarm.escalated", "alarm.filed"], await EventsOf(raised.Id));
    }

    [Fact]
    public async Task An_acknowledged_alarm_does_not_escalate_with_unless_acknowledged()
    {
        var device = NewDevice("WL");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        await grain.Ingest([Water(device, Now, 20)]);
        var raised = await AlarmOf(device);
        await grain.ActOnAlarm(raised.Id, new AlarmAction(AlarmActionKind.Acknowledge, "monitor-1", "watching the camera", null));

        await Sweep(grain, TimeSpan.FromMinutes(45));
        var alarm = await AlarmOf(device);
        Assert.Equal((Severity.Blue, AlarmDisposition.Pending), (alarm.Severity, alarm.Disposition));
        Assert.Empty(await GrainCases.Of(fixture, device));
        Assert.Equal(["alarm.raised", "alarm.acknowledged"], await EventsOf(raised.Id));
    }

    [Fact]
    public async Task Steps_without_unless_escalate_in_turn_and_the_case_hears_each()
    {
        var device = NewDevice("MH");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        var t0 = Now;
        await grain.Ingest([Cover(device, t0, "gas_ch4_lel", 15)]);
        var raised = await AlarmOf(device);
        Assert.Equal(Severity.Yellow, Assert.Single(await GrainCases.Of(fixture, device)).Severity);

        // The grain tells the silo's watch list when the first step falls due: the sweep calls it then, not before.
        Assert.DoesNotContain(device, Watch.Due(t0.AddMinutes(10).AddSeconds(-1)));
        Assert.Contains(device, Watch.Due(t0.AddMinutes(10)));

        await grain.ActOnAlarm(raised.Id, new AlarmAction(AlarmActionKind.Acknowledge, "monitor-1", null, null));
        await Sweep(grain, TimeSpan.FromMinutes(10));
        Assert.Equal(Severity.Orange, (await AlarmOf(device)).Severity);
        Assert.Equal(Severity.Orange, Assert.Single(await GrainCases.Of(fixture, device)).Severity);

        await Sweep(grain, TimeSpan.FromMinutes(10));
        Assert.Equal(Severity.Red, (await AlarmOf(device)).Severity);
        var @case = Assert.Single(await GrainCases.Of(fixture, device));
        Assert.Equal(Severity.Red, @case.Severity);
        Assert.Equal(["alarm.raised", "alarm.filed", "alarm.acknowledged", "alarm.escalated", "alarm.escalated"], await EventsOf(raised.Id));
    }

    [Fact]
    public async Task Reminders_repeat_every_interval_until_acknowledged()
    {
        var device = NewDevice("MH");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        await grain.Ingest([Cover(device, Now, "tilt_deg", 15)]);
        var raised = await AlarmOf(device);

        await Sweep(grain, TimeSpan.FromMinutes(14));
        Assert.Equal(["alarm.raised"], await EventsOf(raised.Id));
        await Sweep(grain, TimeSpan.FromMinutes(1));
        Assert.Equal(["alarm.raised", "alarm.reminded"], await EventsOf(raised.Id));
        await Sweep(grain, TimeSpan.FromMinutes(14));
        Assert.Equal(["alarm.raised", "alarm.reminded"], await EventsOf(raised.Id));
        await Sweep(grain, TimeSpan.FromMinutes(1));
        Assert.Equal(["alarm.raised", "alarm.reminded", "alarm.reminded"], await EventsOf(raised.Id));
        Assert.Equal(2, (await AlarmOf(device)).History.Count(h => h.Type == "reminder"));

        await grain.ActOnAlarm(raised.Id, new AlarmAction(AlarmActionKind.Acknowledge, "monitor-1", null, null));
        await Sweep(grain, TimeSpan.FromMinutes(40));
        Assert.Equal(["alarm.raised", "alarm.reminded", "alarm.reminded", "alarm.acknowledged"], await EventsOf(raised.Id));
    }

    [Fact]
    public async Task Reminders_stop_when_the_alarm_clears()
    {
        var device = NewDevice("MH");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        await grain.Ingest([Cover(device, Now, "tilt_deg", 15)]);
        var raised = await AlarmOf(device);
        await Sweep(grain, TimeSpan.FromMinutes(15));
        await grain.Ingest([Cover(device, Now, "tilt_deg", 2)]);
        await Sweep(grain, TimeSpan.FromMinutes(45));
        Assert.Equal(["alarm.raised", "alarm.reminded", "alarm.cleared"], await EventsOf(raised.Id));
    }

    [Fact]
    public async Task Escalation_and_reminder_times_survive_deactivation()
    {
        var tilted = NewDevice("MH");
        var gassy = NewDevice("MH");
        var tilt = fixture.Grains.GetGrain<IDeviceGrain>(tilted);
        var gas = fixture.Grains.GetGrain<IDeviceGrain>(gassy);
        await tilt.Ingest([Cover(tilted, Now, "tilt_deg", 15)]);
        await gas.Ingest([Cover(gassy, Now, "gas_ch4_lel", 15)]);
        var reminded = await AlarmOf(tilted);
        var escalating = await AlarmOf(gassy);

        await Sweep(tilt, TimeSpan.FromMinutes(16)); // tilt reminded at 16m, gas escalated to orange (due at 10m)
        Assert.Equal(Severity.Orange, (await AlarmOf(gassy)).Severity);
        await fixture.Cluster.DeactivateAsync(tilt);
        await fixture.Cluster.DeactivateAsync(gas);

        // 26m: woken as after a restart (DeviceWaker), each tells the watch list its due time from what it persisted.
        fixture.Time.Advance(TimeSpan.FromMinutes(10));
        await tilt.Get();
        await gas.Get();
        Assert.Contains(gassy, Watch.Due(Now));
        await Sweeper.SweepAsync();
        await tilt.CheckOffline(); // its last reminder (16m) was persisted: the next is due at 31m, not now
        Assert.Equal(["alarm.raised", "alarm.reminded"], await EventsOf(reminded.Id));
        Assert.Equal(Severity.Red, (await AlarmOf(gassy)).Severity);
        Assert.Equal(["alarm.raised", "alarm.filed", "alarm.escalated", "alarm.escalated"], await EventsOf(escalating.Id));

        await fixture.Cluster.DeactivateAsync(tilt);
        fixture.Time.Advance(TimeSpan.FromMinutes(5));
        await tilt.Get();
        Assert.Contains(tilted, Watch.Due(Now));
        await Sweeper.SweepAsync();
        Assert.Equal(["alarm.raised", "alarm.reminded", "alarm.reminded"], await EventsOf(reminded.Id));
        Assert.Equal(["alarm.raised", "alarm.filed", "alarm.escalated", "alarm.escalated"], await EventsOf(escalating.Id));
    }
}
