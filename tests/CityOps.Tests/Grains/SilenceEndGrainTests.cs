using CityOps.Grains;
using CityOps.Grains.Devices;
using CityOps.Grains.Silences;
using CityOps.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Tests.Grains;

/// <summary>
/// Silences and alarms (issue 17 item 7) in the device grain, on the fake clock: an alarm raised under a silence is
/// suppressed by it and files nothing; when the silence ends while the alarm is active it is judged again under its
/// rule's filing policy (the sweep path, timed by the silence's end through the <see cref="DeviceWatchList"/>).
/// </summary>
public sealed class SilenceEndGrainTests(AlarmClockClusterFixture fixture) : IClassFixture<AlarmClockClusterFixture>
{
    private static int _next;

    private static string NewId(string prefix) => $"{prefix}-{Interlocked.Increment(ref _next)}";

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    private IAlarmStore Alarms => fixture.SiloServices.GetRequiredService<IAlarmStore>();

    private SilenceBook Book => fixture.SiloServices.GetRequiredService<SilenceBook>();

    private DeviceWatchList Watch => fixture.SiloServices.GetRequiredService<DeviceWatchList>();

    private static Reading Water(string device, DateTimeOffset at, double depth) =>
        new(device, "waterlog", at.ToUnixTimeMilliseconds(), null, [new Metric("depth_cm", depth)]);

    private async Task<AlarmSnapshot> AlarmOf(string device) =>
        Assert.Single((await Alarms.QueryAsync(new AlarmQuery(DeviceId: device, PageSize: 500))).Items);

    private async Task<IReadOnlyList<string>> EventsOf(string alarmId) =>
        [.. (await Alarms.EventsAfterAsync(0, 100_000)).Where(e => e.CaseId == alarmId).Select(e => e.Event)];

    private async Task Sweep(IDeviceGrain grain, TimeSpan advance)
    {
        fixture.Time.Advance(advance);
        await fixture.SiloServices.GetRequiredService<DeviceSweeper>().SweepAsync();
        await grain.CheckOffline();
    }

    [Fact]
    public async Task An_alarm_still_active_when_its_silence_ends_files_under_its_policy_then_and_not_before()
    {
        var device = NewId("WL-SIL");
        var silence = await Book.AddAsync(new Silence(NewId("sil"), device, null, null, null, Now, Now.AddHours(1), "pump maintenance", "engineer", Now));
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        await grain.Ingest([Water(device, Now, 45)]); // orange: files at once under fileFrom: orange, but silenced

        var silenced = await AlarmOf(device);
        Assert.Equal((true, silence.Id, AlarmDisposition.Pending, (string?)null), (silenced.Suppressed, silenced.SuppressedBy, silenced.Disposition, silenced.CaseId));
        Assert.Empty(await GrainCases.Of(fixture, device));

        // The grain wakes for the silence's end (its watch is due then at the latest), not for anything before.
        Assert.Contains(device, Watch.Due(silence.EndsAt));
        await Sweep(grain, TimeSpan.FromMinutes(59));
        Assert.Equal((true, AlarmDisposition.Pending), ((await AlarmOf(device)).Suppressed, (await AlarmOf(device)).Disposition));
        Assert.Empty(await GrainCases.Of(fixture, device));

        await Sweep(grain, TimeSpan.FromMinutes(1));
        var judged = await AlarmOf(device);
        var @case = Assert.Single(await GrainCases.Of(fixture, device));
        Assert.Equal((silenced.Id, false, (string?)null, AlarmDisposition.Filed, @case.Id), (judged.Id, judged.Suppressed, judged.SuppressedBy, judged.Disposition, judged.CaseId));
        Assert.Equal((Severity.Orange, "0406"), (@case.Severity, @case.Code));
        var line = Assert.Single(judged.History, h => h.Type == "unsuppressed");
        Assert.Equal(("silence:" + silence.Id, $"silence {silence.Id} ended"), (line.Actor, line.Note));
        Assert.Equal(["alarm.raised", "alarm.updated", "alarm.filed"], await EventsOf(silenced.Id));

        // Judged once: later sweeps change nothing.
        await Sweep(grain, TimeSpan.FromMinutes(5));
        Assert.Single(await GrainCases.Of(fixture, device));
        Assert.Equal(["alarm.raised", "alarm.updated", "alarm.filed"], await EventsOf(silenced.Id));
    }

    [Fact]
    public async Task A_silence_expired_early_is_noticed_within_a_minute_and_an_alarm_below_fileFrom_keeps_waiting()
    {
        var device = NewId("WL-SIL");
        var silence = await Book.AddAsync(new Silence(NewId("sil"), device, null, null, null, Now, Now.AddHours(4), "pump maintenance", "engineer", Now));
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        await grain.Ingest([Water(device, Now, 20)]); // blue: waits for confirmation whatever the silence

        await Book.ExpireAsync(silence.Id, Now);
        Assert.Contains(device, Watch.Due(Now.AddMinutes(1)));
        await Sweep(grain, TimeSpan.FromMinutes(1));

        var judged = await AlarmOf(device);
        Assert.Equal((false, AlarmDisposition.Pending, (string?)null), (judged.Suppressed, judged.Disposition, judged.CaseId));
        Assert.Empty(await GrainCases.Of(fixture, device));
        Assert.Equal(["alarm.raised", "alarm.updated"], await EventsOf(judged.Id));
    }

    [Fact]
    public async Task A_silence_that_ends_while_another_holds_hands_the_alarm_over_and_files_nothing()
    {
        var device = NewId("WL-SIL");
        var first = await Book.AddAsync(new Silence(NewId("sil"), device, null, null, null, Now, Now.AddMinutes(30), "first window", "engineer", Now));
        var second = await Book.AddAsync(new Silence(NewId("sil"), null, null, null, "depth", Now.AddMinutes(20), Now.AddHours(2), "second window", "engineer", Now));
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        await grain.Ingest([Water(device, Now, 55)]);
        Assert.Equal(first.Id, (await AlarmOf(device)).SuppressedBy);

        await Sweep(grain, TimeSpan.FromMinutes(30));
        var handedOver = await AlarmOf(device);
        Assert.Equal((true, second.Id, AlarmDisposition.Pending), (handedOver.Suppressed, handedOver.SuppressedBy, handedOver.Disposition));
        Assert.Empty(await GrainCases.Of(fixture, device));

        await Sweep(grain, TimeSpan.FromMinutes(90));
        Assert.Equal((Severity.Red, AlarmDisposition.Filed), ((await AlarmOf(device)).Severity, (await AlarmOf(device)).Disposition));
        Assert.Single(await GrainCases.Of(fixture, device));
    }
}
