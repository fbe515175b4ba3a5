using System.Collections.Immutable;
using CityOps.Grains;
using CityOps.Grains.Cases;
using CityOps.Grains.Routing;
using CityOps.Grains.Silences;
using CityOps.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Tests.Grains;

/// <summary>Routing, deadlines, sensor verification and silences on a real test cluster with a fake clock.</summary>
public sealed class CaseGrainTests(GrainClusterFixture fixture) : IClassFixture<GrainClusterFixture>
{
    private static int _next;

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    private CaseSweeper Sweeper => fixture.SiloServices.GetRequiredService<CaseSweeper>();

    private static string NewId(string prefix) => $"{prefix}-{Interlocked.Increment(ref _next)}";

    private static Reading Depth(string device, DateTimeOffset at, double depth) =>
        new(device, "waterlog", at.ToUnixTimeMilliseconds(), null, [new Metric("depth_cm", depth)]);

    private CaseFiling Filing(string code, string? grid, string? unit = "grid-unit") =>
        new(code, "test case", Severity.Yellow, null, null, null, null, grid, unit, null, Now, "inspector", null);

    private async Task<CaseSnapshot> Act(string id, string action, DateTimeOffset? dueAt = null, string? unit = null)
    {
        var result = await fixture.Grains.GetGrain<ICaseGrain>(id).Act(new CaseAction(Parse(action), unit, "note", "tester", dueAt, Supervisor: true));
        Assert.True(result.Case is not null, result.Error);
        return result.Case;
    }

    private async Task<IReadOnlyList<CaseSnapshot>> CasesOf(string device) =>
        (await fixture.SiloServices.GetRequiredService<ICaseStore>().QueryAsync(new CaseQuery(DeviceId: device))).Items;

    /// <summary>A gauge whose alarm has been raised (20 cm held past the rule's one minute): its case id.</summary>
    private async Task<string> RaiseAlarm(string device)
    {
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        await grain.Ingest([Depth(device, Now, 20)]);
        fixture.Time.Advance(TimeSpan.FromSeconds(61));
        await grain.Ingest([Depth(device, Now, 21)]);
        return Assert.Single(await CasesOf(device)).Id;
    }

    /// <summary>Readings below the clear level (15 − 3) for the rule's five minutes.</summary>
    private async Task ClearAlarm(string device)
    {
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await grain.Ingest([Depth(device, Now, 5)]);
        fixture.Time.Advance(TimeSpan.FromMinutes(5).Add(TimeSpan.FromSeconds(1)));
        await grain.Ingest([Depth(device, Now, 4)]);
    }

    [Fact]
    public async Task Case_in_a_routed_grid_goes_to_the_routed_unit_and_is_dispatched_at_once()
    {
        var id = NewId("route");
        var filedAt = Now;

        var filed = await fixture.Grains.GetGrain<ICaseGrain>(id).File(Filing("0406", "410702001001001"));

        Assert.Equal(CaseStatus.Dispatched, filed.Status);
        Assert.Equal("drainage-co", filed.Unit);
        var calendar = fixture.SiloServices.GetRequiredService<RoutingCatalog>().Current.Calendar;
        Assert.Equal(calendar.AddWorkingTime(filedAt, TimeSpan.FromHours(4)), filed.DueAt);
        Assert.Equal(TimeSpan.FromMinutes(30), filed.VerifyLimit);
        var dispatch = filed.History[^1];
        Assert.Equal(("dispatch", "system:routing"), (dispatch.Type, dispatch.Actor));
    }

    [Fact]
    public async Task Case_outside_every_route_keeps_its_grid_unit_and_waits_for_a_dispatcher()
    {
        var id = NewId("route");

        var filed = await fixture.Grains.GetGrain<ICaseGrain>(id).File(Filing("0102", "410799001001001"));
        var dispatched = await Act(id, "dispatch");

        Assert.Equal(CaseStatus.Filed, filed.Status);
        Assert.Null(filed.DueAt);
        Assert.Equal(TimeSpan.FromHours(6), filed.DueLimit);
        Assert.Equal(filed.OpenedAt.AddMinutes(30), filed.DispatchDueAt);
        Assert.Equal(Now.AddHours(6), dispatched.DueAt);
        Assert.Equal("grid-unit", dispatched.Unit);
    }

    [Fact]
    public async Task Case_past_its_deadline_is_flagged_overdue_and_supervised_once_and_a_late_postponement_keeps_it_overdue()
    {
        var id = NewId("late");
        var filed = await fixture.Grains.GetGrain<ICaseGrain>(id).File(Filing("0102", null));
        await Act(id, "dispatch");

        fixture.Time.Advance(TimeSpan.FromHours(6).Add(TimeSpan.FromMinutes(1)));
        await Sweeper.SweepAsync();
        await Sweeper.SweepAsync();

        var late = (await fixture.Grains.GetGrain<ICaseGrain>(id).Get())!;
        Assert.True(late.Overdue);
        Assert.Single(late.History, e => e.Type == "overdue");
        Assert.True(CityOpsMetrics.CasesOverdue.Value >= 1);

        Assert.Equal(1, late.SuperviseLevel);
        Assert.Single(late.History, e => e.Type == "supervise" && e.Actor == "system:deadline");

        var postponed = await Act(id, "postpone", dueAt: Now.AddHours(2));
        Assert.True(postponed.Overdue);
        Assert.Equal(Now.AddHours(2), postponed.DueAt);
        Assert.Equal(filed.Id, postponed.Id);
    }

    [Fact]
    public async Task Case_handled_after_its_deadline_stays_overdue()
    {
        var id = NewId("late");
        await fixture.Grains.GetGrain<ICaseGrain>(id).File(Filing("0102", null));
        await Act(id, "dispatch");
        fixture.Time.Advance(TimeSpan.FromHours(7));

        var handled = await Act(id, "handle");

        Assert.True(handled.Overdue);
        Assert.Equal(Now.AddHours(1), handled.VerifyDueAt);
    }

    [Fact]
    public async Task Handled_case_whose_alarm_stays_clear_is_verified_by_the_sensor()
    {
        var device = NewId("WL-V");
        var id = await RaiseAlarm(device);
        await Act(id, "dispatch", unit: "water-east");
        await Act(id, "handle");
        await ClearAlarm(device);
        Assert.False(Assert.Single(await CasesOf(device)).AlarmActive);

        fixture.Time.Advance(TimeSpan.FromMinutes(29));
        await Sweeper.SweepAsync();
        Assert.Equal(CaseStatus.Handled, (await fixture.Grains.GetGrain<ICaseGrain>(id).Get())!.Status);

        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        await Sweeper.SweepAsync();
        var verified = (await fixture.Grains.GetGrain<ICaseGrain>(id).Get())!;
        Assert.Equal(CaseStatus.Verified, verified.Status);
        var entry = verified.History[^1];
        Assert.Equal(("verify", "sensor:waterlog-depth"), (entry.Type, entry.Actor));
        Assert.Contains("alarm clear since", entry.Note);
    }

    [Fact]
    public async Task Alarm_that_comes_back_after_handling_sends_the_same_case_back_to_the_unit()
    {
        var device = NewId("WL-R");
        var id = await RaiseAlarm(device);
        await Act(id, "dispatch", unit: "water-east");
        await Act(id, "handle");
        await ClearAlarm(device);

        fixture.Time.Advance(TimeSpan.FromMinutes(3));
        await RaiseAgain(device);

        var reworked = Assert.Single(await CasesOf(device));
        Assert.Equal(id, reworked.Id);
        Assert.Equal(CaseStatus.Dispatched, reworked.Status);
        Assert.True(reworked.AlarmActive);
        var entry = reworked.History[^1];
        Assert.Equal(("rework", "handled", "sensor:waterlog-depth"), (entry.Type, entry.From, entry.Actor));
    }

    [Fact]
    public async Task Silenced_alarm_is_evaluated_and_shown_on_the_device_but_raises_no_case()
    {
        var device = NewId("WL-S");
        var book = fixture.SiloServices.GetRequiredService<SilenceBook>();
        var silence = await book.AddAsync(new Silence(NewId("sil"), device, null, null, null, Now, Now.AddHours(1), "pump maintenance", "engineer", Now));

        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        await grain.Ingest([Depth(device, Now, 30)]);
        fixture.Time.Advance(TimeSpan.FromSeconds(61));
        await grain.Ingest([Depth(device, Now, 31)]);

        Assert.Empty(await CasesOf(device));
        var alarm = Assert.Single((await grain.Get())!.Alarms);
        Assert.Equal("waterlog-depth", alarm.RuleId);
        Assert.Null(alarm.CaseId);

        // Once the silence is expired, the next alarm raises a case again.
        await book.ExpireAsync(silence.Id, Now);
        await ClearAlarm(device);
        await RaiseAgain(device);
        Assert.Single(await CasesOf(device));
    }

    [Fact]
    public async Task Silence_by_grid_prefix_or_rule_matches_only_its_alarms()
    {
        var book = fixture.SiloServices.GetRequiredService<SilenceBook>();
        await book.AddAsync(new Silence(NewId("sil"), null, "410702001", null, "manhole-tilt", Now, Now.AddHours(1), "road works", "engineer", Now));

        Assert.NotNull(book.Matching("MH-1", "manhole-tilt", "410702001002003", null, null, Now));
        Assert.Null(book.Matching("MH-1", "manhole-open", "410702001002003", null, null, Now));
        Assert.Null(book.Matching("MH-1", "manhole-tilt", "410702002002003", null, null, Now));
        Assert.Null(book.Matching("MH-1", "manhole-tilt", "410702001002003", null, null, Now.AddHours(2)));
    }

    [Fact]
    public async Task Events_older_than_the_retention_are_pruned_from_the_log()
    {
        var id = NewId("old");
        await fixture.Grains.GetGrain<ICaseGrain>(id).File(Filing("0102", null));
        var store = fixture.SiloServices.GetRequiredService<ICaseStore>();
        Assert.Contains(await store.EventsAfterAsync(0, 100_000), e => e.CaseId == id);

        fixture.Time.Advance(TimeSpan.FromDays(31));
        // The newest event always stays (numbering never restarts), so a newer one lets the old one go.
        var newer = NewId("new");
        await fixture.Grains.GetGrain<ICaseGrain>(newer).File(Filing("0102", null));
        Assert.True(await Sweeper.PruneAsync() >= 1);

        var left = await store.EventsAfterAsync(0, 100_000);
        Assert.DoesNotContain(left, e => e.CaseId == id);
        Assert.Contains(left, e => e.CaseId == newer);
        Assert.NotNull(await store.FindAsync(id));
    }

    private async Task RaiseAgain(string device)
    {
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await grain.Ingest([Depth(device, Now, 25)]);
        fixture.Time.Advance(TimeSpan.FromSeconds(61));
        await grain.Ingest([Depth(device, Now, 26)]);
    }

    private static CaseActionKind Parse(string action) =>
        WireNames.TryParse<CaseActionKind>(action, out var kind) ? kind : throw new ArgumentException($"no action '{action}'", nameof(action));
}
