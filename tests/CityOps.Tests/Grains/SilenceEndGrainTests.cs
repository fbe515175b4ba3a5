using CityOps.Grains;
using CityOps.Grains.Devices;
using CityOps.Grains.Silences;
using CityOps.Grains.Storage;
using CityOps.Rules;
using CityOps.Rules.Backtesting;
using CityOps.Rules.Replay;
using CityOps.Tests.Infrastructure;
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

    private static Reading Fill(string device, DateTimeOffset at, double ratio) =>
        new(device, "drainage", at.ToUnixTimeMilliseconds(), null, [new Metric("fill_ratio", ratio)]);

    [Fact]
    public async Task An_alarm_back_to_normal_within_its_clear_hold_when_its_silence_ends_files_nothing_unless_it_breaches_again()
    {
        var device = NewId("DR-SIL");
        var silence = await Book.AddAsync(new Silence(NewId("sil"), device, null, null, null, Now, Now.AddHours(1), "sewer works", "engineer", Now));
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        await grain.Ingest([Fill(device, Now, 1.5)]); // yellow, files at once, but silenced

        // Back to normal two minutes before the silence ends: its alarm is clearing (a 5-minute hold) when it ends.
        await Sweep(grain, TimeSpan.FromMinutes(58));
        await grain.Ingest([Fill(device, Now, 0.5)]);
        await Sweep(grain, TimeSpan.FromMinutes(2));
        var waiting = await AlarmOf(device);
        Assert.Equal((AlarmStatus.Active, false, AlarmDisposition.Pending, (string?)null), (waiting.Status, waiting.Suppressed, waiting.Disposition, waiting.CaseId));
        Assert.Empty(await GrainCases.Of(fixture, device));
        var line = Assert.Single(waiting.History, h => h.Type == "unsuppressed");
        Assert.Equal(("silence:" + silence.Id, $"silence {silence.Id} ended; value back to normal: no case unless it breaches again before it clears"), (line.Actor, line.Note));

        // Breaching again before its hold ran out: judged as on its raise, it files.
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        await grain.Ingest([Fill(device, Now, 1.6)]);
        var filed = await AlarmOf(device);
        var @case = Assert.Single(await GrainCases.Of(fixture, device));
        Assert.Equal((waiting.Id, AlarmDisposition.Filed, @case.Id), (filed.Id, filed.Disposition, filed.CaseId));
    }

    [Fact]
    public async Task Alarms_still_active_when_their_silences_end_report_to_their_incident_and_file_one_case()
    {
        var catchment = NewId("catchment");
        var drains = new[] { NewId("DR-INC"), NewId("DR-INC") };
        foreach (var drain in drains)
        {
            await fixture.Grains.GetGrain<IDeviceGrain>(drain).Register(new DeviceRegistration("drainage", drain, 35.3, 113.9, null,
                System.Collections.Immutable.ImmutableDictionary<string, string>.Empty.Add("catchment", catchment), null));
            await Book.AddAsync(new Silence(NewId("sil"), drain, null, null, null, Now, Now.AddMinutes(30), "sewer works", "engineer", Now));
            await fixture.Grains.GetGrain<IDeviceGrain>(drain).Ingest([Fill(drain, Now, 1.5)]);
        }

        Assert.All(await Task.WhenAll(drains.Select(AlarmOf)), a => Assert.Equal((true, (string?)null, (string?)null), (a.Suppressed, a.IncidentId, a.CaseId)));

        fixture.Time.Advance(TimeSpan.FromMinutes(30));
        foreach (var drain in drains)
        {
            await fixture.Grains.GetGrain<IDeviceGrain>(drain).CheckOffline();
        }

        // The incident tells its earlier member one-way when it forms around the later one.
        for (var i = 0; i < 300 && (await Task.WhenAll(drains.Select(AlarmOf))).Any(a => a.IncidentId is null); i++)
        {
            await Task.Delay(10);
        }

        var released = await Task.WhenAll(drains.Select(AlarmOf));
        Assert.All(released, a => Assert.False(a.Suppressed));
        Assert.NotNull(released[0].IncidentId);
        Assert.Equal((released[0].IncidentId, released[0].CaseId), (released[1].IncidentId, released[1].CaseId));
        Assert.NotNull(released[0].CaseId);
        Assert.Empty(await GrainCases.Of(fixture, drains[1]));

        // The replay of rule tests and backtests: the incident forms at the silences' end, of both drains, as live.
        var rules = RuleParser.Parse([new("clock.yaml", AlarmClockClusterFixture.ClockRules)], new RuleParseOptions { Kinds = ShippedKinds.Catalog }).RuleSet!;
        var events = new List<ReplayEvent>();
        var start = Now.AddMinutes(-30);
        var attributes = new Dictionary<string, string> { ["catchment"] = catchment };
        foreach (var drain in drains)
        {
            new DeviceReplay(drain, "drainage", rules, NoZones.Instance, attributes, 35.3, 113.9, events).Feed(start, [("fill_ratio", 1.5)]);
        }

        var silences = drains.Select((d, i) => new ReplaySilence("s" + i, d, null, null, null, start, Now)).ToList();
        var incident = Assert.Single(DeskReplay.Run(rules, events, _ => new DeviceProfile(null, null, null, null, attributes), NoZones.Instance, silences).Incidents);
        Assert.Equal(("catchment-surcharge", Now, 2), (incident.Incident, incident.OpenedAt, incident.Members.Length));
    }
}
