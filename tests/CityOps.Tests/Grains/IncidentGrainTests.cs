using System.Collections.Immutable;
using CityOps.Grains;
using CityOps.Grains.Storage;
using CityOps.Rules;
using CityOps.Rules.Backtesting;
using CityOps.Rules.Replay;
using CityOps.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Tests.Grains;

/// <summary>
/// Incidents on a test cluster (CONTRACT §8): gauges of one catchment flooding together make one incident with one case;
/// late members join it, it shrinks and clears with its members, and concurrent readings never file it twice.
/// </summary>
public sealed class IncidentGrainTests(IncidentClusterFixture fixture) : IClassFixture<IncidentClusterFixture>
{
    private static int _next;

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    private IAlarmStore Alarms => fixture.SiloServices.GetRequiredService<IAlarmStore>();

    private IIncidentStore Incidents => fixture.SiloServices.GetRequiredService<IIncidentStore>();

    private ICaseStore Cases => fixture.SiloServices.GetRequiredService<ICaseStore>();

    private static string NewName(string prefix) => $"{prefix}-{Interlocked.Increment(ref _next)}";

    private async Task<string[]> Gauges(string catchment, int count)
    {
        var ids = Enumerable.Range(0, count).Select(i => $"{catchment}-G{i}").ToArray();
        foreach (var id in ids)
        {
            await fixture.Grains.GetGrain<IDeviceGrain>(id).Register(new DeviceRegistration("waterlog", id, 35.3 + (_next * 0.001), 113.9, null,
                ImmutableDictionary<string, string>.Empty.Add("catchment", catchment), null));
        }

        return ids;
    }

    private Task Depth(string device, DateTimeOffset at, double cm) =>
        fixture.Grains.GetGrain<IDeviceGrain>(device).Ingest([new Reading(device, "waterlog", at.ToUnixTimeMilliseconds(), null, [new Metric("depth_cm", cm)])]).AsTask();

    private async Task<IReadOnlyList<IncidentSnapshot>> IncidentsOf(string catchment) =>
        (await Incidents.QueryAsync(new IncidentQuery(Group: catchment, PageSize: 500))).Items;

    private async Task<IReadOnlyList<CaseSnapshot>> CasesOf(IEnumerable<string> devices)
    {
        var set = devices.ToHashSet(StringComparer.Ordinal);
        var live = new List<CaseSnapshot>();
        foreach (var c in (await Cases.QueryAsync(new CaseQuery(PageSize: 100_000))).Items.Where(c => c.DeviceId is { } d && set.Contains(d)))
        {
            live.Add((await fixture.Grains.GetGrain<ICaseGrain>(c.Id).Get())!);
        }

        return live;
    }

    private async Task<AlarmSnapshot> AlarmOf(string device) =>
        Assert.Single((await Alarms.QueryAsync(new AlarmQuery(DeviceId: device, RuleId: "depth", Status: AlarmStatus.Active))).Items);

    // One-way notifications to member devices land after the turn that sent them.
    private static async Task Settle(Func<Task<bool>> done)
    {
        for (var i = 0; i < 200 && !await done(); i++)
        {
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task Two_gauges_of_a_catchment_make_one_incident_whose_case_is_the_first_alarms_case()
    {
        var catchment = NewName("east");
        var gauges = await Gauges(catchment, 3);
        var t0 = Now;

        await Depth(gauges[0], t0, 45);
        var first = await AlarmOf(gauges[0]);
        Assert.Null(first.IncidentId);
        var own = Assert.Single(await CasesOf(gauges));
        Assert.Equal(own.Id, first.CaseId);

        await Depth(gauges[1], t0.AddSeconds(20), 44);
        var incident = Assert.Single(await IncidentsOf(catchment));
        Assert.Equal((IncidentStatus.Open, 2, Severity.Orange, own.Id, "catchment-flood"), (incident.Status, incident.Count, incident.Severity, incident.CaseId, incident.RuleId));
        Assert.Equal($"{catchment} 多点积水 (2 处)", incident.Title);
        Assert.Equal(gauges[..2], incident.Members.Select(m => m.DeviceId));
        Assert.All(incident.Members, m => Assert.NotNull(m.Lat));

        var @case = Assert.Single(await CasesOf(gauges));
        Assert.Equal((incident.Id, incident.Title, true), (@case.IncidentId, @case.Title, @case.AlarmActive));
        // Its value: the worst active member's (both orange: the later one, 44 cm); its peak: the highest of any (45 cm).
        Assert.Equal(((double?)44, (double?)45), (@case.Value, @case.Peak));
        var second = await AlarmOf(gauges[1]);
        Assert.Equal((incident.Id, own.Id, AlarmDisposition.Filed), (second.IncidentId, second.CaseId, second.Disposition));
        await Settle(async () => (await AlarmOf(gauges[0])).IncidentId is not null);
        Assert.Equal(incident.Id, (await AlarmOf(gauges[0])).IncidentId);
        Assert.Equal([first.Id, second.Id], @case.AlarmIds!.Value.ToArray());

        // A late member joins the open incident (outside the window: the incident is open) and gets the same case.
        fixture.Time.Advance(TimeSpan.FromMinutes(30));
        await Depth(gauges[2], t0.AddMinutes(30), 55);
        var grown = Assert.Single(await IncidentsOf(catchment));
        Assert.Equal((3, Severity.Red), (grown.Count, grown.Severity));
        Assert.Equal((incident.Id, own.Id), ((await AlarmOf(gauges[2])).IncidentId, (await AlarmOf(gauges[2])).CaseId));
        var bigger = Assert.Single(await CasesOf(gauges));
        Assert.Equal((Severity.Red, $"{catchment} 多点积水 (3 处)", 3), (bigger.Severity, bigger.Title, bigger.AlarmIds!.Value.Length));
        Assert.Equal(((double?)55, (double?)55), (bigger.Value, bigger.Peak));
    }

    [Fact]
    public async Task The_incident_shrinks_as_members_clear_and_closes_its_alarm_side_with_the_last()
    {
        var catchment = NewName("west");
        var gauges = await Gauges(catchment, 2);
        var t0 = Now;
        await Depth(gauges[0], t0, 45);
        await Depth(gauges[1], t0.AddSeconds(5), 45);
        var caseId = Assert.Single(await IncidentsOf(catchment)).CaseId!;

        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        await Depth(gauges[0], t0.AddMinutes(1), 2);
        var shrunk = Assert.Single(await IncidentsOf(catchment));
        Assert.Equal((IncidentStatus.Open, 1), (shrunk.Status, shrunk.Count));
        Assert.True((await fixture.Grains.GetGrain<ICaseGrain>(caseId).Get())!.AlarmActive);

        await Depth(gauges[1], t0.AddMinutes(2), 2);
        var cleared = Assert.Single(await IncidentsOf(catchment));
        Assert.Equal((IncidentStatus.Cleared, 0, t0.AddMinutes(2)), (cleared.Status, cleared.Count, cleared.ClearedAt));
        var @case = (await fixture.Grains.GetGrain<ICaseGrain>(caseId).Get())!;
        Assert.False(@case.AlarmActive);
        Assert.Equal("incident:" + cleared.Id, @case.History.Last(h => h.Type == "alarm").Actor);

        // The next flood of the catchment is a new incident.
        fixture.Time.Advance(TimeSpan.FromMinutes(10));
        await Depth(gauges[0], t0.AddMinutes(10), 45);
        await Depth(gauges[1], t0.AddMinutes(10).AddSeconds(1), 45);
        var incidents = await IncidentsOf(catchment);
        Assert.Equal([IncidentStatus.Open, IncidentStatus.Cleared], incidents.Select(i => i.Status));
        Assert.NotEqual(caseId, incidents[0].CaseId);
    }

    [Fact]
    public async Task Alarms_far_apart_or_in_other_catchments_make_no_incident()
    {
        var north = NewName("north");
        var south = NewName("south");
        var a = (await Gauges(north, 2));
        var b = (await Gauges(south, 1));
        var t0 = Now;

        await Depth(a[0], t0, 45);
        await Depth(b[0], t0.AddSeconds(1), 45);
        fixture.Time.Advance(TimeSpan.FromMinutes(11));
        await Depth(a[1], t0.AddMinutes(11), 45);

        Assert.Empty(await IncidentsOf(north));
        Assert.Empty(await IncidentsOf(south));
        Assert.Equal(3, (await CasesOf([.. a, .. b])).Count);
    }

    [Fact]
    public async Task Below_the_incidents_fileFrom_the_incident_waits_and_files_one_case_when_a_member_escalates()
    {
        var catchment = NewName("low");
        var gauges = await Gauges(catchment, 3);
        var t0 = Now;
        await Depth(gauges[0], t0, 20);
        await Depth(gauges[1], t0.AddSeconds(1), 30);
        await Depth(gauges[2], t0.AddSeconds(2), 20);

        var waiting = Assert.Single(await IncidentsOf(catchment));
        Assert.Equal((3, Severity.Yellow, (string?)null), (waiting.Count, waiting.Severity, waiting.CaseId));
        Assert.Empty(await CasesOf(gauges));
        Assert.Equal(AlarmDisposition.Pending, (await AlarmOf(gauges[2])).Disposition);

        await Depth(gauges[1], t0.AddSeconds(30), 42);
        var filed = Assert.Single(await IncidentsOf(catchment));
        var @case = Assert.Single(await CasesOf(gauges));
        Assert.Equal((filed.CaseId, Severity.Orange, filed.Id), (@case.Id, @case.Severity, @case.IncidentId));
        // Each member hears of the case by a one-way call of its own, in any order.
        foreach (var gauge in gauges)
        {
            await Settle(async () => (await AlarmOf(gauge)).CaseId is not null);
        }

        foreach (var gauge in gauges)
        {
            var alarm = await AlarmOf(gauge);
            Assert.Equal((@case.Id, AlarmDisposition.Filed, filed.Id), (alarm.CaseId, alarm.Disposition, alarm.IncidentId));
        }
    }

    [Fact]
    public async Task A_person_filing_a_member_of_an_incident_without_a_case_files_the_incidents_case_once()
    {
        var catchment = NewName("confirm");
        var gauges = await Gauges(catchment, 2);
        var t0 = Now;
        await Depth(gauges[0], t0, 20);
        await Depth(gauges[1], t0.AddSeconds(1), 20);
        var alarm = await AlarmOf(gauges[0]);

        var result = await fixture.Grains.GetGrain<IDeviceGrain>(gauges[0]).ActOnAlarm(alarm.Id, new AlarmAction(AlarmActionKind.File, "monitor-1", "核实", null));

        var incident = Assert.Single(await IncidentsOf(catchment));
        var @case = Assert.Single(await CasesOf(gauges));
        Assert.Equal((@case.Id, AlarmDisposition.Filed), (result.Alarm!.CaseId, result.Alarm.Disposition));
        Assert.Equal(incident.CaseId, @case.Id);
        await Settle(async () => (await AlarmOf(gauges[1])).CaseId is not null);
        Assert.Equal(@case.Id, (await AlarmOf(gauges[1])).CaseId);
    }

    [Fact]
    public async Task Five_catchments_of_forty_gauges_flooded_at_once_make_five_incidents_and_five_cases()
    {
        var catchments = Enumerable.Range(0, 5).Select(_ => NewName("storm")).ToArray();
        var gauges = new List<string>();
        foreach (var catchment in catchments)
        {
            gauges.AddRange(await Gauges(catchment, 40));
        }

        var t0 = Now;
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        // Every gauge sends three rising readings; 16 gauges at a time, interleaved across the catchments, as a storm does.
        await Parallel.ForEachAsync(gauges.Select((g, i) => (g, i)), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (gauge, _) =>
        {
            for (var r = 0; r < 3; r++)
            {
                await Depth(gauge.g, t0.AddSeconds((gauge.i % 40) + (r * 10)), 42 + (r * 3));
            }
        });

        var incidents = (await Task.WhenAll(catchments.Select(IncidentsOf))).SelectMany(i => i).ToList();
        Assert.Equal(5, incidents.Count);
        Assert.All(incidents, i => Assert.Equal((IncidentStatus.Open, 40, Severity.Orange), (i.Status, i.Count, i.Severity)));
        var cases = await CasesOf(gauges);
        Assert.Equal(5, cases.Count);
        Assert.Equal(incidents.Select(i => i.CaseId).Order(), cases.Select(c => c.Id).Order());
        Assert.All(cases, c => Assert.Equal(40, c.AlarmIds!.Value.Length));
        await Settle(async () => (await Alarms.QueryAsync(new AlarmQuery(RuleId: "depth", Status: AlarmStatus.Active, PageSize: 500))).Items
            .Count(a => gauges.Contains(a.DeviceId) && a.IncidentId is not null) == 200);
        var alarms = (await Alarms.QueryAsync(new AlarmQuery(RuleId: "depth", Status: AlarmStatus.Active, PageSize: 500))).Items.Where(a => gauges.Contains(a.DeviceId)).ToList();
        Assert.Equal(200, alarms.Count);
        Assert.All(alarms, a => Assert.Contains(a.CaseId, cases.Select(c => c.Id)));
        Assert.All(alarms, a => Assert.NotNull(a.IncidentId));
    }

    [Fact]
    public async Task The_replay_of_rule_tests_and_backtests_forms_the_incidents_the_grains_formed_from_the_same_readings()
    {
        var catchment = NewName("agree");
        var gauges = await Gauges(catchment, 3);
        var t0 = Now;
        (string Device, TimeSpan At, double Cm)[] readings =
        [
            (gauges[0], TimeSpan.Zero, 45), (gauges[1], TimeSpan.FromSeconds(20), 44), (gauges[0], TimeSpan.FromMinutes(1), 2),
            (gauges[2], TimeSpan.FromMinutes(3), 55), (gauges[1], TimeSpan.FromMinutes(4), 2), (gauges[2], TimeSpan.FromMinutes(5), 2),
            (gauges[0], TimeSpan.FromMinutes(20), 45), (gauges[1], TimeSpan.FromMinutes(40), 45), (gauges[2], TimeSpan.FromMinutes(41), 30),
        ];
        fixture.Time.Advance(TimeSpan.FromHours(1));
        foreach (var (device, at, cm) in readings)
        {
            await Depth(device, t0 + at, cm);
        }

        // The same readings through the replay the rule tests and backtests use.
        var rules = RuleParser.Parse("incidents.yaml", IncidentRules.Yaml).RuleSet!;
        var events = new List<ReplayEvent>();
        var profile = new DeviceProfile(null, null, null, null, new Dictionary<string, string> { ["catchment"] = catchment });
        var replays = gauges.ToDictionary(g => g, g => new DeviceReplay(g, "waterlog", rules, NoZones.Instance, profile.Attributes, null, null, events));
        foreach (var (device, at, cm) in readings)
        {
            replays[device].Feed(t0 + at, [("depth_cm", cm)]);
        }

        var replayed = DeskReplay.Run(rules, events, _ => profile, NoZones.Instance).Incidents;
        var live = (await IncidentsOf(catchment)).OrderBy(i => i.OpenedAt).ToList();
        Assert.Equal(2, live.Count);
        Assert.Equal(
            live.Select(i => (i.RuleId, i.Group, i.OpenedAt, i.ClearedAt, i.Severity, string.Join(",", i.Members.Select(m => m.DeviceId).Order()))),
            replayed.Select(i => (i.Incident, i.Group, i.OpenedAt, i.ClearedAt, i.Severity, string.Join(",", i.Members.Select(m => m.Device).Order()))));
    }
}
