using System.Collections.Immutable;
using CityOps.Grains;
using CityOps.Grains.Devices;
using CityOps.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Tests.Grains;

public sealed class DeviceGrainTests(GrainClusterFixture fixture) : IClassFixture<GrainClusterFixture>
{
    private static int _next;

    private static string NewDevice(string prefix) => $"{prefix}-{Interlocked.Increment(ref _next)}";

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    private static Reading Depth(string device, DateTimeOffset at, double depth, long? seq = null) =>
        new(device, "waterlog", at.ToUnixTimeMilliseconds(), seq, [new Metric("depth_cm", depth)]);

    private async Task<IReadOnlyList<CaseSnapshot>> CasesOf(string device)
    {
        var store = fixture.SiloServices.GetRequiredService<ICaseStore>();
        var page = await store.QueryAsync(new CaseQuery(DeviceId: device));
        var live = new List<CaseSnapshot>();
        foreach (var c in page.Items)
        {
            live.Add((await fixture.Grains.GetGrain<ICaseGrain>(c.Id).Get())!);
        }

        return live;
    }

    [Fact]
    public async Task Unregistered_device_is_auto_provisioned_with_the_kind_of_its_topic()
    {
        var device = NewDevice("WL");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);

        var result = await grain.Ingest([Depth(device, Now, 2)]);

        Assert.Equal((1, 1, 0, 0), (result.Accepted, result.Evaluated, result.Duplicates, result.Refused));
        Assert.Equal(new ReadingPlacement(null, null, null, null), Assert.Single(result.Placements));
        var snapshot = await grain.Get();
        Assert.NotNull(snapshot);
        Assert.Equal("waterlog", snapshot.Kind);
        Assert.True(snapshot.AutoProvisioned);
        Assert.Equal(2, snapshot.Last["depth_cm"]);
    }

    [Fact]
    public async Task Redelivered_reading_is_accepted_but_not_evaluated_twice()
    {
        var device = NewDevice("WL");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        var reading = Depth(device, Now, 30, seq: 7);

        var first = await grain.Ingest([reading]);
        var again = await grain.Ingest([reading]);
        var older = await grain.Ingest([Depth(device, Now.AddSeconds(-10), 60, seq: 6)]);

        Assert.Equal(1, first.Evaluated);
        Assert.Equal((1, 0, 1, 0), (again.Accepted, again.Evaluated, again.Duplicates, again.Refused));
        Assert.Equal((1, 0, 1, 0), (older.Accepted, older.Evaluated, older.Duplicates, older.Refused));
        Assert.Equal(30, (await grain.Get())!.Last["depth_cm"]);

        // Judged once, but every accepted reading still goes to storage.
        Assert.Equal(3, first.Placements.Count(p => p is not null) + again.Placements.Count(p => p is not null) + older.Placements.Count(p => p is not null));
    }

    [Fact]
    public async Task Alarm_held_for_its_duration_raises_exactly_one_case_and_escalates_it()
    {
        var device = NewDevice("WL");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        var t0 = Now;

        await grain.Ingest([Depth(device, t0, 20)]);
        Assert.Empty(await CasesOf(device));

        await grain.Ingest([Depth(device, t0.AddSeconds(30), 22), Depth(device, t0.AddSeconds(61), 24)]);
        var cases = await CasesOf(device);
        var raised = Assert.Single(cases);
        Assert.Equal(CaseStatus.Filed, raised.Status);
        Assert.Equal(Severity.Blue, raised.Severity);
        Assert.Equal("0406", raised.Code);
        Assert.Equal("道路积水", raised.Category);
        Assert.Equal("道路积水 24 cm", raised.Title);
        Assert.True(raised.AlarmActive);

        // Re-firing and a higher severity update the same case.
        await grain.Ingest([Depth(device, t0.AddSeconds(90), 55), Depth(device, t0.AddSeconds(120), 40)]);
        var updated = Assert.Single(await CasesOf(device));
        Assert.Equal(raised.Id, updated.Id);
        Assert.Equal(Severity.Red, updated.Severity);
        Assert.Equal(55, updated.Peak);
        Assert.Equal(40, updated.Value);
        Assert.Contains(updated.History, e => e.Type == "severity" && e.To == "red");

        var alarm = Assert.Single((await grain.Get())!.Alarms);
        Assert.Equal("waterlog-depth", alarm.RuleId);
        Assert.Equal(raised.Id, alarm.CaseId);
    }

    [Fact]
    public async Task A_new_case_is_raised_only_after_the_old_alarm_cleared()
    {
        var device = NewDevice("WL");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        var t0 = Now.AddHours(-1); // the whole storm in the past: readings ahead of the clock are not judged

        await grain.Ingest([Depth(device, t0, 30), Depth(device, t0.AddMinutes(1), 30)]);
        var first = Assert.Single(await CasesOf(device));

        // Below 15 but within the hysteresis (15 - 3 = 12): still raised.
        await grain.Ingest([Depth(device, t0.AddMinutes(2), 13), Depth(device, t0.AddMinutes(10), 13)]);
        Assert.True(Assert.Single(await CasesOf(device)).AlarmActive);

        // Below 12 for five minutes: cleared, same case, alarm no longer active.
        await grain.Ingest([Depth(device, t0.AddMinutes(11), 5), Depth(device, t0.AddMinutes(17), 5)]);
        var cleared = Assert.Single(await CasesOf(device));
        Assert.False(cleared.AlarmActive);
        Assert.Empty((await grain.Get())!.Alarms);

        // A new storm: a second case.
        await grain.Ingest([Depth(device, t0.AddMinutes(30), 30), Depth(device, t0.AddMinutes(31), 30)]);
        var cases = await CasesOf(device);
        Assert.Equal(2, cases.Count);
        Assert.Contains(cases, c => c.Id == first.Id && !c.AlarmActive);
        Assert.Contains(cases, c => c.Id != first.Id && c.AlarmActive);
    }

    [Fact]
    public async Task Case_code_comes_from_the_device_component_code()
    {
        var device = NewDevice("MH");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        await grain.Register(new DeviceRegistration("manhole", "人民路井盖", 35.3, 113.9, "4107020102048188", ImmutableDictionary<string, string>.Empty, null));

        var result = await grain.Ingest([new Reading(device, "manhole", Now.ToUnixTimeMilliseconds(), 1, [new Metric("tilt_deg", 25)])]);

        var raised = Assert.Single(await CasesOf(device));
        var stored = Assert.Single(result.Placements);
        Assert.Equal((35.3, 113.9), (stored!.Lat, stored.Lon));
        Assert.Equal("0102", raised.Code);
        Assert.Equal("污水井盖", raised.Category);
        Assert.Equal(Severity.Yellow, raised.Severity);
    }

    [Fact]
    public async Task Reading_under_another_kind_than_registered_is_refused()
    {
        var device = NewDevice("MH");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        await grain.Register(new DeviceRegistration("manhole", null, null, null, null, ImmutableDictionary<string, string>.Empty, null));

        var result = await grain.Ingest([Depth(device, Now, 80)]);

        Assert.Equal((0, 0, 0, 1), (result.Accepted, result.Evaluated, result.Duplicates, result.Refused));
        Assert.Null(Assert.Single(result.Placements));
        Assert.Empty(await CasesOf(device));
    }

    [Fact]
    public async Task Silent_device_raises_an_offline_case_that_clears_when_it_reports_again()
    {
        var device = NewDevice("WL");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        await grain.Register(new DeviceRegistration("waterlog", null, null, null, null, ImmutableDictionary<string, string>.Empty, null));
        await grain.Ingest([Depth(device, Now, 1)]);

        fixture.Time.Advance(TimeSpan.FromMinutes(31));
        await grain.CheckOffline();

        var offline = Assert.Single(await CasesOf(device));
        Assert.Equal("waterlog-offline", offline.RuleId);
        Assert.True(offline.AlarmActive);
        Assert.False((await grain.Get())!.Online);

        await grain.Ingest([Depth(device, Now, 1)]);
        Assert.False(Assert.Single(await CasesOf(device)).AlarmActive);
        Assert.True((await grain.Get())!.Online);
    }

    [Fact]
    public async Task A_phantom_device_heard_from_once_files_no_offline_case_but_one_that_kept_reporting_does()
    {
        var phantom = NewDevice("WL");
        var steady = NewDevice("WL");
        await fixture.Grains.GetGrain<IDeviceGrain>(phantom).Ingest([Depth(phantom, Now, 1)]);
        for (var i = 0; i < new DevicesOptions().OfflineCaseAfterReadings; i++)
        {
            await fixture.Grains.GetGrain<IDeviceGrain>(steady).Ingest([Depth(steady, Now.AddSeconds(i), 1)]);
        }

        fixture.Time.Advance(TimeSpan.FromMinutes(31));
        await fixture.Grains.GetGrain<IDeviceGrain>(phantom).CheckOffline();
        await fixture.Grains.GetGrain<IDeviceGrain>(steady).CheckOffline();

        Assert.Empty(await CasesOf(phantom));
        Assert.False((await fixture.Grains.GetGrain<IDeviceGrain>(phantom).Get())!.Online);
        Assert.DoesNotContain(phantom, fixture.SiloServices.GetRequiredService<DeviceWatchList>().Due(Now.AddDays(1))); // not woken again and again
        Assert.Equal("waterlog-offline", Assert.Single(await CasesOf(steady)).RuleId);
    }

    [Fact]
    public async Task Metric_names_beyond_the_cap_are_not_kept_and_the_reading_is_still_judged()
    {
        var device = NewDevice("WL");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        var cap = new DevicesOptions().MaxMetricsPerDevice;
        var names = Enumerable.Range(0, cap + 100).Select(i => new Metric($"junk_{i}", i)).ToList();

        await grain.Ingest([new Reading(device, "waterlog", Now.ToUnixTimeMilliseconds(), null, [.. names])]);
        var result = await grain.Ingest([Depth(device, Now.AddSeconds(1), 60), Depth(device, Now.AddSeconds(62), 60)]);

        var snapshot = (await grain.Get())!;
        Assert.Equal(cap, snapshot.Last.Count);
        Assert.False(snapshot.Last.ContainsKey("depth_cm")); // a name beyond the cap, even a known one
        Assert.Equal(2, result.Evaluated);
        Assert.Single(await CasesOf(device)); // depth 60 for a minute: judged all the same
    }

    [Fact]
    public async Task The_silo_sweep_checks_a_silent_device_when_its_offline_window_ends_and_then_no_more()
    {
        var device = NewDevice("WL");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        var sweeper = fixture.SiloServices.GetRequiredService<DeviceSweeper>();
        var watch = fixture.SiloServices.GetRequiredService<DeviceWatchList>();
        await grain.Register(new DeviceRegistration("waterlog", null, null, null, null, ImmutableDictionary<string, string>.Empty, null));
        await grain.Ingest([Depth(device, Now, 1)]);

        fixture.Time.Advance(TimeSpan.FromMinutes(29));
        await sweeper.SweepAsync();
        Assert.Empty(await CasesOf(device));
        Assert.True((await grain.Get())!.Online);

        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Contains(device, watch.Due(Now));
        await sweeper.SweepAsync();
        var offline = Assert.Single(await CasesOf(device));
        Assert.Equal("waterlog-offline", offline.RuleId);
        Assert.False((await grain.Get())!.Online);

        // Offline, flagged and persisted: nothing more is due until it reports again.
        Assert.DoesNotContain(device, watch.Due(Now.AddDays(30)));
        await grain.Ingest([Depth(device, Now, 1)]);
        Assert.Contains(device, watch.Due(Now.AddMinutes(31)));
    }

    [Fact]
    public async Task A_device_that_keeps_publishing_is_never_listed_late_nor_again_and_again_and_the_sweep_finds_it_once_silent()
    {
        // The grain asks the watch list only when the answer would change (DeviceWatchList.Keeps): what it skips must change nothing.
        var device = NewDevice("WL");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        var sweeper = fixture.SiloServices.GetRequiredService<DeviceSweeper>();
        var watch = fixture.SiloServices.GetRequiredService<DeviceWatchList>();
        await grain.Register(new DeviceRegistration("waterlog", null, null, null, null, ImmutableDictionary<string, string>.Empty, null));
        for (var i = 0; i < 12; i++)
        {
            await grain.Ingest([Depth(device, Now, 1)]);
            Assert.Contains(device, watch.Due(Now.AddMinutes(30))); // listed no later than the end of its offline window
            await sweeper.SweepAsync(); // as the silo does: a device whose time has passed is checked, and sets its next time
            Assert.DoesNotContain(device, watch.Due(Now)); // so it is not due again at once
            fixture.Time.Advance(TimeSpan.FromMinutes(4));
        }

        Assert.Empty(await CasesOf(device));
        fixture.Time.Advance(TimeSpan.FromMinutes(27)); // 31 minutes after its last reading
        Assert.Contains(device, watch.Due(Now));
        await sweeper.SweepAsync();
        Assert.Equal("waterlog-offline", Assert.Single(await CasesOf(device)).RuleId);
    }

    [Fact]
    public async Task Devices_judged_one_after_another_keep_their_own_pending_alarms()
    {
        var pending = NewDevice("WL");
        var idle = NewDevice("WL");
        var start = Now;
        await fixture.Grains.GetGrain<IDeviceGrain>(pending).Ingest([Depth(pending, start, 30)]);
        for (var i = 1; i <= 3; i++)
        {
            await fixture.Grains.GetGrain<IDeviceGrain>(idle).Ingest([Depth(idle, start.AddSeconds(i * 20), 2)]);
        }

        await fixture.Grains.GetGrain<IDeviceGrain>(pending).Ingest([Depth(pending, start.AddSeconds(61), 31)]);

        var raised = Assert.Single(await CasesOf(pending));
        Assert.Equal(start.AddSeconds(61), raised.OpenedAt);
        Assert.Empty(await CasesOf(idle));
    }

    [Fact]
    public async Task A_reading_stamped_a_day_ahead_is_stored_but_does_not_blind_the_device()
    {
        var device = NewDevice("MH");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        var future = CityOps.Grains.CityOpsMetrics.ReadingsNotJudged.WithLabels("future").Value;

        var ahead = await grain.Ingest([Tilt(device, Now.AddHours(23), 1)]);
        var next = await grain.Ingest([Tilt(device, Now, 40)]);

        Assert.Equal((1, 0, 0, 1), (ahead.Accepted, ahead.Evaluated, ahead.Duplicates, ahead.Ahead));
        Assert.NotNull(Assert.Single(ahead.Placements));
        Assert.Equal((1, 1), (next.Accepted, next.Evaluated));
        Assert.Equal("manhole-tilt", Assert.Single(await CasesOf(device)).RuleId);
        Assert.True(CityOps.Grains.CityOpsMetrics.ReadingsNotJudged.WithLabels("future").Value >= future + 1);
    }

    [Fact]
    public async Task Readings_without_seq_that_share_a_millisecond_are_all_judged()
    {
        var device = NewDevice("MH");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        var redelivered = CityOps.Grains.CityOpsMetrics.ReadingsNotJudged.WithLabels("redelivered").Value;

        // A gateway batch with neither ts nor seq: both readings are stamped on receipt, in the same millisecond.
        var result = await grain.Ingest([Tilt(device, Now, 1), Tilt(device, Now, 50)]);

        Assert.Equal((2, 2, 0), (result.Accepted, result.Evaluated, result.Duplicates));
        var raised = Assert.Single(await CasesOf(device));
        Assert.Equal(("manhole-tilt", 50.0), (raised.RuleId, raised.Value));

        // With a seq, the same (seq, ts) again is a redelivery: stored, not judged, counted.
        var seq = await grain.Ingest([Tilt(device, Now.AddSeconds(1), 2, seq: 5), Tilt(device, Now.AddSeconds(1), 2, seq: 5)]);
        Assert.Equal((2, 1, 1), (seq.Accepted, seq.Evaluated, seq.Duplicates));
        Assert.True(CityOps.Grains.CityOpsMetrics.ReadingsNotJudged.WithLabels("redelivered").Value >= redelivered + 1);
    }

    private static Reading Tilt(string device, DateTimeOffset at, double tilt, long? seq = null) =>
        new(device, "manhole", at.ToUnixTimeMilliseconds(), seq, [new Metric("tilt_deg", tilt)]);
}
