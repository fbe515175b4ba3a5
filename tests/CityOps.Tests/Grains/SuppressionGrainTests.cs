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
/// Root-cause suppression on a test cluster (CONTRACT §8): while a cabinet's power-loss alarm is active, its lamps' dark
/// alarms are suppressed by it and file nothing; when it clears they are judged again, under concurrent readings too.
/// </summary>
public sealed class SuppressionGrainTests(SuppressionClusterFixture fixture) : IClassFixture<SuppressionClusterFixture>
{
    private static int _next;

    private IAlarmStore Alarms => fixture.SiloServices.GetRequiredService<IAlarmStore>();

    private ICaseStore Cases => fixture.SiloServices.GetRequiredService<ICaseStore>();

    private async Task<(string Cabinet, string[] Lamps)> CabinetWithLamps(int lamps)
    {
        var cabinet = $"CAB-{Interlocked.Increment(ref _next)}";
        await fixture.Grains.GetGrain<IDeviceGrain>(cabinet).Register(new DeviceRegistration("lampcabinet", cabinet, 35.3, 113.9, null, ImmutableDictionary<string, string>.Empty, null));
        var ids = Enumerable.Range(0, lamps).Select(i => $"{cabinet}-L{i}").ToArray();
        foreach (var id in ids)
        {
            await fixture.Grains.GetGrain<IDeviceGrain>(id).Register(new DeviceRegistration("streetlight", id, 35.3, 113.9, null,
                ImmutableDictionary<string, string>.Empty.Add("parent", cabinet), null));
        }

        return (cabinet, ids);
    }

    private async Task<(string Station, string[] Drains)> StationWithDrains(int drains)
    {
        var station = $"PS-{Interlocked.Increment(ref _next)}";
        await fixture.Grains.GetGrain<IDeviceGrain>(station).Register(new DeviceRegistration("drainage", station, 35.3, 113.9, null, ImmutableDictionary<string, string>.Empty, null));
        var ids = Enumerable.Range(0, drains).Select(i => $"{station}-D{i}").ToArray();
        foreach (var id in ids)
        {
            await fixture.Grains.GetGrain<IDeviceGrain>(id).Register(new DeviceRegistration("drainage", id, 35.3, 113.9, null,
                ImmutableDictionary<string, string>.Empty.Add("parent", station), null));
        }

        return (station, ids);
    }

    private Task Send(string device, string kind, DateTimeOffset at, string metric, double value) =>
        fixture.Grains.GetGrain<IDeviceGrain>(device).Ingest([new Reading(device, kind, at.ToUnixTimeMilliseconds(), null, [new Metric(metric, value)])]).AsTask();

    private async Task<AlarmSnapshot?> ActiveAlarm(string device) =>
        (await Alarms.QueryAsync(new AlarmQuery(DeviceId: device, Status: AlarmStatus.Active))).Items.SingleOrDefault();

    private async Task<AlarmSnapshot?> LastAlarm(string device, string ruleId) =>
        (await Alarms.QueryAsync(new AlarmQuery(DeviceId: device, RuleId: ruleId))).Items is { Count: > 0 } items ? items[0] : null;

    private async Task<CaseSnapshot> CaseOf(string caseId) => (await fixture.Grains.GetGrain<ICaseGrain>(caseId).Get())!;

    private async Task<int> CasesOf(string cabinet) =>
        (await Cases.QueryAsync(new CaseQuery(PageSize: 100_000))).Items.Count(c => c.DeviceId?.StartsWith(cabinet, StringComparison.Ordinal) == true);

    private static async Task Settle(Func<Task<bool>> done)
    {
        for (var i = 0; i < 300 && !await done(); i++)
        {
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task A_cabinet_without_power_files_one_case_and_its_dark_lamps_are_suppressed_by_its_alarm()
    {
        var (cabinet, lamps) = await CabinetWithLamps(5);
        var t0 = fixture.Time.GetUtcNow();

        await Send(cabinet, "lampcabinet", t0, "voltage_v", 0);
        var power = (await ActiveAlarm(cabinet))!;
        foreach (var lamp in lamps)
        {
            await Send(lamp, "streetlight", t0.AddSeconds(2), "current_a", 0);
        }

        Assert.Equal(1, await CasesOf(cabinet));
        foreach (var lamp in lamps)
        {
            var dark = (await ActiveAlarm(lamp))!;
            Assert.Equal((true, power.Id, AlarmDisposition.Pending, (string?)null), (dark.Suppressed, dark.SuppressedBy, dark.Disposition, dark.CaseId));
            Assert.Equal("suppressed by " + power.Id, dark.History[0].Note);
        }

        // Power back, lamps still dark: judged again under their own policy (file: auto), so each files now.
        await Send(cabinet, "lampcabinet", t0.AddMinutes(1), "voltage_v", 220);
        await Settle(async () => (await Task.WhenAll(lamps.Select(ActiveAlarm))).All(a => a?.CaseId is not null));
        foreach (var lamp in lamps)
        {
            var dark = (await ActiveAlarm(lamp))!;
            Assert.Equal((false, AlarmDisposition.Filed), (dark.Suppressed, dark.Disposition));
            Assert.Contains(dark.History, h => h.Type == "unsuppressed");
        }

        Assert.Equal(6, await CasesOf(cabinet));
    }

    [Fact]
    public async Task A_lamp_without_a_parent_in_alarm_files_as_before()
    {
        var (cabinet, lamps) = await CabinetWithLamps(1);
        var t0 = fixture.Time.GetUtcNow();
        await Send(cabinet, "lampcabinet", t0, "voltage_v", 220);

        await Send(lamps[0], "streetlight", t0.AddSeconds(1), "current_a", 0);

        var dark = (await ActiveAlarm(lamps[0]))!;
        Assert.Equal((false, AlarmDisposition.Filed), (dark.Suppressed, dark.Disposition));
        Assert.Equal(1, await CasesOf(cabinet));
    }

    [Fact]
    public async Task Under_concurrent_readings_no_lamp_alarm_stays_suppressed_after_its_cabinet_cleared()
    {
        var (cabinet, lamps) = await CabinetWithLamps(50);
        var t0 = fixture.Time.GetUtcNow();
        await Send(cabinet, "lampcabinet", t0, "voltage_v", 0);

        // Fifty lamps go dark while the cabinet's power comes back, all at once.
        var lampsDark = lamps.Select((lamp, i) => Send(lamp, "streetlight", t0.AddSeconds(1 + (i % 10)), "current_a", 0));
        var powerBack = Send(cabinet, "lampcabinet", t0.AddSeconds(5), "voltage_v", 220);
        await Task.WhenAll(lampsDark.Append(powerBack));

        await Settle(async () => (await Task.WhenAll(lamps.Select(ActiveAlarm))).All(a => a is { Suppressed: false, CaseId: not null }));
        var alarms = await Task.WhenAll(lamps.Select(ActiveAlarm));
        Assert.All(alarms, a => Assert.Equal((false, AlarmDisposition.Filed), (a!.Suppressed, a.Disposition)));
        Assert.Null(await ActiveAlarm(cabinet));
        Assert.Equal(51, await CasesOf(cabinet));
    }

    [Fact]
    public async Task The_replay_of_rule_tests_and_backtests_suppresses_the_alarms_the_grains_suppressed_from_the_same_readings()
    {
        var (cabinet, lamps) = await CabinetWithLamps(3);
        var t0 = fixture.Time.GetUtcNow();
        (string Device, string Kind, TimeSpan At, string Metric, double Value)[] readings =
        [
            (lamps[1], "streetlight", TimeSpan.Zero, "current_a", 0),          // dark before its cabinet: suppressed when it loses power
            (cabinet, "lampcabinet", TimeSpan.FromSeconds(10), "voltage_v", 0),
            (lamps[0], "streetlight", TimeSpan.FromSeconds(20), "current_a", 0), // dark under the cabinet's alarm: suppressed
            (cabinet, "lampcabinet", TimeSpan.FromMinutes(1), "voltage_v", 220),  // judged again
            (lamps[2], "streetlight", TimeSpan.FromMinutes(2), "current_a", 0),  // dark after it: not suppressed
        ];
        fixture.Time.Advance(TimeSpan.FromMinutes(5));
        foreach (var (device, kind, at, metric, value) in readings)
        {
            await Send(device, kind, t0 + at, metric, value);
            if (device == cabinet && value == 0)
            {
                // The cabinet tells its lamps one-way: the lamp dark before it is suppressed once the message lands.
                await Settle(async () => (await ActiveAlarm(lamps[1]))?.Suppressed == true);
            }
        }

        await Settle(async () => (await ActiveAlarm(lamps[0]))?.CaseId is not null);
        var live = new List<(string Lamp, bool Suppressed, bool Unsuppressed)>();
        foreach (var lamp in lamps)
        {
            var history = (await ActiveAlarm(lamp))!.History;
            live.Add((lamp, history[0].Note?.StartsWith("suppressed by", StringComparison.Ordinal) == true || history.Any(h => h.Type == "suppressed"),
                history.Any(h => h.Type == "unsuppressed")));
        }

        var rules = RuleParser.Parse([new("suppression.yaml", SuppressionRules.Yaml)], new RuleParseOptions { Kinds = ShippedKinds.Catalog }).RuleSet!;
        var events = new List<ReplayEvent>();
        var parent = new Dictionary<string, string> { ["parent"] = cabinet };
        var replays = readings.Select(r => (r.Device, r.Kind)).Distinct().ToDictionary(d => d.Device, d => new DeviceReplay(
            d.Device, d.Kind, rules, NoZones.Instance, d.Device == cabinet ? new Dictionary<string, string>() : parent, null, null, events));
        foreach (var (device, _, at, metric, value) in readings)
        {
            replays[device].Feed(t0 + at, [(metric, value)]);
        }

        var suppressed = DeskReplay.Run(rules, events, d => d == cabinet ? null : new DeviceProfile(null, null, null, null, parent), NoZones.Instance).Suppressions;
        Assert.Equal([(lamps[0], true, true), (lamps[1], true, true), (lamps[2], false, false)], live);
        Assert.Equal(
            live.Where(l => l.Suppressed).Select(l => (l.Lamp, cabinet, "cabinet-power-loss", (DateTimeOffset?)(t0 + TimeSpan.FromMinutes(1)))),
            suppressed.OrderBy(s => s.Device, StringComparer.Ordinal).Select(s => (s.Device, s.ByDevice, s.ByRule, s.Until)));
        Assert.Equal([(lamps[0], true), (lamps[1], false)], suppressed.OrderBy(s => s.Device, StringComparer.Ordinal).Select(s => (s.Device, s.AtRaise)));
    }

    [Fact]
    public async Task A_flapping_cabinet_still_suppresses_its_lamps_until_it_clears_for_good_and_the_replay_agrees()
    {
        var (cabinet, lamps) = await CabinetWithLamps(1);
        var t0 = fixture.Time.GetUtcNow(); // readings ahead of the clock: the flapping watch is not quiet before the sweep below
        (string Device, string Kind, TimeSpan At, string Metric, double Value)[] readings =
        [
            (cabinet, "lampcabinet", TimeSpan.Zero, "voltage_v", 0),
            (cabinet, "lampcabinet", TimeSpan.FromMinutes(1), "voltage_v", 220),
            (cabinet, "lampcabinet", TimeSpan.FromMinutes(2), "voltage_v", 0),
            (cabinet, "lampcabinet", TimeSpan.FromMinutes(3), "voltage_v", 220), // the 4th change: flapping, its alarm held
            (lamps[0], "streetlight", TimeSpan.FromMinutes(4), "current_a", 0),  // dark under the held, flapping alarm
        ];
        foreach (var (device, kind, at, metric, value) in readings)
        {
            await Send(device, kind, t0 + at, metric, value);
        }

        var power = (await ActiveAlarm(cabinet))!;
        var dark = (await ActiveAlarm(lamps[0]))!;
        Assert.Equal((true, AlarmStatus.Active), (power.Flapping, power.Status));
        Assert.Equal((true, power.Id, (string?)null), (dark.Suppressed, dark.SuppressedBy, dark.CaseId));

        // Quiet for its window while clear: the cabinet's alarm clears for good, and the lamp, still dark, is judged again.
        fixture.Time.Advance(TimeSpan.FromMinutes(20));
        await fixture.Grains.GetGrain<IDeviceGrain>(cabinet).CheckOffline();
        await Settle(async () => (await ActiveAlarm(lamps[0]))?.CaseId is not null);
        dark = (await ActiveAlarm(lamps[0]))!;
        Assert.Null(await ActiveAlarm(cabinet));
        Assert.Equal((false, AlarmDisposition.Filed), (dark.Suppressed, dark.Disposition));
        Assert.Contains(dark.History, h => h.Type == "unsuppressed" && h.From == power.Id);

        // The replay of rule tests and backtests: suppressed at its raise by the flapping alarm, until it cleared when quiet.
        var rules = RuleParser.Parse([new("suppression.yaml", SuppressionRules.Yaml)], new RuleParseOptions { Kinds = ShippedKinds.Catalog }).RuleSet!;
        var events = new List<ReplayEvent>();
        var parent = new Dictionary<string, string> { ["parent"] = cabinet };
        var replays = readings.Select(r => (r.Device, r.Kind)).Distinct().ToDictionary(d => d.Device, d => new DeviceReplay(
            d.Device, d.Kind, rules, NoZones.Instance, d.Device == cabinet ? new Dictionary<string, string>() : parent, null, null, events));
        foreach (var (device, _, at, metric, value) in readings)
        {
            replays[device].Feed(t0 + at, [(metric, value)]);
        }

        replays[cabinet].CheckOffline(t0 + TimeSpan.FromMinutes(30));
        var suppression = Assert.Single(DeskReplay.Run(rules, events, d => d == cabinet ? null : new DeviceProfile(null, null, null, null, parent), NoZones.Instance).Suppressions);
        Assert.Equal((lamps[0], cabinet, true, (DateTimeOffset?)(t0 + TimeSpan.FromMinutes(13))),
            (suppression.Device, suppression.ByDevice, suppression.AtRaise, suppression.Until));
    }

    [Fact]
    public async Task Lamps_dark_before_their_cabinet_lost_power_are_suppressed_by_it_afterwards_and_their_cases_stay_with_a_note()
    {
        var (cabinet, lamps) = await CabinetWithLamps(3);
        var t0 = fixture.Time.GetUtcNow();
        foreach (var lamp in lamps)
        {
            await Send(lamp, "streetlight", t0, "current_a", 0);
        }

        var filed = (await Task.WhenAll(lamps.Select(ActiveAlarm))).Select(a => a!.CaseId!).ToArray();
        Assert.Equal(3, await CasesOf(cabinet));

        await Send(cabinet, "lampcabinet", t0.AddSeconds(10), "voltage_v", 0);
        var power = (await ActiveAlarm(cabinet))!;
        await Settle(async () => (await Task.WhenAll(lamps.Select(ActiveAlarm))).All(a => a!.Suppressed));
        for (var i = 0; i < lamps.Length; i++)
        {
            var dark = (await ActiveAlarm(lamps[i]))!;
            Assert.Equal((true, power.Id, AlarmDisposition.Filed, filed[i]), (dark.Suppressed, dark.SuppressedBy, dark.Disposition, dark.CaseId));
            var entry = dark.History[^1];
            Assert.Equal(("suppressed", power.Id, $"root cause: alarm {power.Id} of parent {cabinet}"), (entry.Type, entry.To, entry.Note));
            var lampCase = await CaseOf(filed[i]);
            Assert.NotEqual(CaseStatus.Closed, lampCase.Status);
            Assert.Contains(lampCase.History, h => h.Type == "root-cause" && h.To == power.Id);
        }

        // Still dark under the cabinet's alarm: no new case; power back, still dark: the cases they have stay, noted.
        await Send(lamps[0], "streetlight", t0.AddSeconds(20), "current_a", 0);
        Assert.Equal(4, await CasesOf(cabinet));
        await Send(cabinet, "lampcabinet", t0.AddMinutes(1), "voltage_v", 220);
        await Settle(async () => (await Task.WhenAll(lamps.Select(ActiveAlarm))).All(a => !a!.Suppressed));
        for (var i = 0; i < lamps.Length; i++)
        {
            var dark = (await ActiveAlarm(lamps[i]))!;
            Assert.Equal((false, filed[i]), (dark.Suppressed, dark.CaseId));
            Assert.Contains((await CaseOf(filed[i])).History, h => h.Type == "root-cause" && h.To == "cleared");
        }

        Assert.Equal(4, await CasesOf(cabinet));
    }

    [Fact]
    public async Task When_its_station_clears_a_drain_back_to_normal_within_its_clear_hold_files_nothing_unless_it_breaches_again()
    {
        var (station, drains) = await StationWithDrains(3);
        var t0 = fixture.Time.GetUtcNow().AddMinutes(-20);
        await Send(station, "drainage", t0, "pump_fault", 1);
        var fault = (await ActiveAlarm(station))!;
        foreach (var drain in drains)
        {
            await Send(drain, "drainage", t0.AddSeconds(10), "fill_ratio", 1.5);
        }

        // D0 and D1 back to normal (their alarms clearing for 5 minutes), D2 still surcharged, when the pump runs again.
        await Send(drains[0], "drainage", t0.AddMinutes(1), "fill_ratio", 0.5);
        await Send(drains[1], "drainage", t0.AddMinutes(1), "fill_ratio", 0.5);
        await Send(station, "drainage", t0.AddMinutes(2), "pump_fault", 0);
        await Settle(async () => (await Task.WhenAll(drains.Select(ActiveAlarm))).All(a => !a!.Suppressed) && (await ActiveAlarm(drains[2]))!.CaseId is not null);

        var (d0, d1, d2) = ((await ActiveAlarm(drains[0]))!, (await ActiveAlarm(drains[1]))!, (await ActiveAlarm(drains[2]))!);
        Assert.Equal((AlarmDisposition.Filed, false), (d2.Disposition, d2.CaseId is null));
        Assert.All([d0, d1], d => Assert.Equal((AlarmDisposition.Pending, (string?)null, (string?)null), (d.Disposition, d.CaseId, d.IncidentId)));
        Assert.Contains(d0.History, h => h.Type == "unsuppressed" && h.From == fault.Id && h.Note!.Contains("back to normal", StringComparison.Ordinal));

        // D1 clears after its hold without a case; D0 breaches again first: it is judged as on its raise and, beside D2,
        // forms the station's incident, whose case is D2's (no second case).
        await Send(drains[0], "drainage", t0.AddMinutes(3), "fill_ratio", 1.6);
        await Send(drains[1], "drainage", t0.AddMinutes(7), "fill_ratio", 0.4);
        await Settle(async () => (await ActiveAlarm(drains[0]))?.CaseId is not null);
        Assert.Null(await ActiveAlarm(drains[1]));
        var cleared = (await LastAlarm(drains[1], "drain-surcharged"))!;
        Assert.Equal((AlarmStatus.Cleared, (string?)null, AlarmDisposition.Pending), (cleared.Status, cleared.CaseId, cleared.Disposition));
        d0 = (await ActiveAlarm(drains[0]))!;
        d2 = (await ActiveAlarm(drains[2]))!;
        Assert.Equal((d2.CaseId, false), (d0.CaseId, d0.IncidentId is null));
        Assert.Equal(2, await CasesOf(station));

        // The replay of rule tests and backtests agrees: the incident forms when D0 breaches again, of D0 and D2, not of D1.
        (string Device, TimeSpan At, string Metric, double Value)[] readings =
        [
            (station, TimeSpan.Zero, "pump_fault", 1),
            .. drains.Select(d => (d, TimeSpan.FromSeconds(10), "fill_ratio", 1.5)),
            (drains[0], TimeSpan.FromMinutes(1), "fill_ratio", 0.5),
            (drains[1], TimeSpan.FromMinutes(1), "fill_ratio", 0.5),
            (station, TimeSpan.FromMinutes(2), "pump_fault", 0),
            (drains[0], TimeSpan.FromMinutes(3), "fill_ratio", 1.6),
            (drains[1], TimeSpan.FromMinutes(7), "fill_ratio", 0.4),
        ];
        var rules = RuleParser.Parse([new("suppression.yaml", SuppressionRules.Yaml)], new RuleParseOptions { Kinds = ShippedKinds.Catalog }).RuleSet!;
        var (events, holds) = (new List<ReplayEvent>(), new List<ReplayHold>());
        var parent = new Dictionary<string, string> { ["parent"] = station };
        var replays = readings.Select(r => r.Device).Distinct().ToDictionary(d => d, d => new DeviceReplay(
            d, "drainage", rules, NoZones.Instance, d == station ? new Dictionary<string, string>() : parent, null, null, events, holds: holds));
        foreach (var (device, at, metric, value) in readings)
        {
            replays[device].Feed(t0 + at, [(metric, value)]);
        }

        var incident = Assert.Single(DeskReplay.Run(rules, events, d => d == station ? null : new DeviceProfile(null, null, null, null, parent), NoZones.Instance, holds: holds).Incidents);
        Assert.Equal((t0 + TimeSpan.FromMinutes(3), 2), (incident.OpenedAt, incident.OpenedWith));
        Assert.Equal([drains[0], drains[2]], incident.Members.Select(m => m.Device).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Under_concurrent_readings_drains_surcharged_before_with_and_after_their_station_make_one_incident_and_none_stays_suppressed()
    {
        var (station, drains) = await StationWithDrains(40);
        var t0 = fixture.Time.GetUtcNow().AddMinutes(-5);
        // Ten drains surcharge first (their incident forms and files one case), then the station fails while thirty more
        // surcharge, all at once; then the pump runs again while every drain reports, half of them back to normal.
        foreach (var drain in drains[..10])
        {
            await Send(drain, "drainage", t0, "fill_ratio", 1.5);
        }

        await Task.WhenAll(drains[10..].Select((d, i) => Send(d, "drainage", t0.AddSeconds(1 + (i % 10)), "fill_ratio", 1.5))
            .Append(Send(station, "drainage", t0.AddSeconds(5), "pump_fault", 1)));
        var fault = (await ActiveAlarm(station))!;
        await Settle(async () => (await Task.WhenAll(drains.Select(ActiveAlarm))).All(a => a!.SuppressedBy == fault.Id));
        Assert.All(await Task.WhenAll(drains.Select(ActiveAlarm)), a => Assert.Equal(fault.Id, a!.SuppressedBy));

        await Task.WhenAll(drains.Select((d, i) => Send(d, "drainage", t0.AddSeconds(60), "fill_ratio", i % 2 == 0 ? 0.5 : 1.5))
            .Append(Send(station, "drainage", t0.AddSeconds(60), "pump_fault", 0)));
        var surcharged = drains.Where((_, i) => i % 2 == 1).ToArray();
        await Settle(async () => (await Task.WhenAll(drains.Select(ActiveAlarm))).All(a => !a!.Suppressed)
            && (await Task.WhenAll(surcharged.Select(ActiveAlarm))).All(a => a!.CaseId is not null));

        var alarms = await Task.WhenAll(drains.Select(ActiveAlarm));
        Assert.All(alarms, a => Assert.False(a!.Suppressed));
        var incident = Assert.Single((await fixture.SiloServices.GetRequiredService<IIncidentStore>().QueryAsync(new IncidentQuery(Group: station))).Items);
        Assert.All(await Task.WhenAll(surcharged.Select(ActiveAlarm)), a => Assert.Equal((incident.Id, incident.CaseId), (a!.IncidentId, a.CaseId)));
        // One case for the drains (the incident's), one for the station.
        Assert.Equal(2, await CasesOf(station));
    }
}
