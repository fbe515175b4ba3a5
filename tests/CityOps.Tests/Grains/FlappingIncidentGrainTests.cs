using System.Collections.Immutable;
using CityOps.Grains;
using CityOps.Grains.Storage;
using CityOps.Rules;
using CityOps.Rules.Backtesting;
using CityOps.Rules.Replay;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Tests.Grains;

/// <summary>
/// A flapping alarm of a rule an incident groups (CONTRACT §7, §8): while it flaps it files nothing; when it goes quiet
/// still active it is judged as on a raise, so it joins its incident instead of filing a case of its own.
/// </summary>
public sealed class FlappingIncidentGrainTests(FlappingIncidentClusterFixture fixture) : IClassFixture<FlappingIncidentClusterFixture>
{
    private IIncidentStore Incidents => fixture.SiloServices.GetRequiredService<IIncidentStore>();

    private ICaseStore Cases => fixture.SiloServices.GetRequiredService<ICaseStore>();

    private IAlarmStore Alarms => fixture.SiloServices.GetRequiredService<IAlarmStore>();

    private async Task Register(string id, string catchment) =>
        await fixture.Grains.GetGrain<IDeviceGrain>(id).Register(new DeviceRegistration("waterlog", id, 35.3, 113.9, null,
            ImmutableDictionary<string, string>.Empty.Add("catchment", catchment), null));

    private readonly List<(string Device, DateTimeOffset At, double Cm)> _sent = [];

    private Task Depth(string device, double cm)
    {
        var at = fixture.Time.GetUtcNow();
        _sent.Add((device, at, cm));
        return fixture.Grains.GetGrain<IDeviceGrain>(device).Ingest([new Reading(device, "waterlog", at.ToUnixTimeMilliseconds(), null, [new Metric("depth_cm", cm)])]).AsTask();
    }

    [Fact]
    public async Task A_gauge_quiet_after_flapping_while_still_flooded_joins_the_incident_of_its_catchment_and_files_no_case_of_its_own()
    {
        const string catchment = "north";
        string[] gauges = ["N-G0", "N-G1", "N-G2"];
        foreach (var gauge in gauges)
        {
            await Register(gauge, catchment);
        }

        // G0 flaps: raised, cleared, raised, cleared (the 4th change: flapping), raised again, held as flapping.
        foreach (var cm in new[] { 45.0, 2, 45, 2, 45 })
        {
            await Depth(gauges[0], cm);
            fixture.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var flapping = Assert.Single((await Alarms.QueryAsync(new AlarmQuery(DeviceId: gauges[0], Status: AlarmStatus.Active))).Items);
        Assert.True(flapping.Flapping);
        Assert.Null(flapping.CaseId);

        // G1 floods too: with the flapping G0 held back, G1 alone makes no incident (min 2) and files nothing (fileFrom red).
        await Depth(gauges[1], 45);
        Assert.Empty((await Incidents.QueryAsync(new IncidentQuery(Group: catchment, PageSize: 10))).Items);

        // G0 quiet for its window (5 minutes after its last change), still flooded: the sweep due then ends its flapping,
        // and it joins G1 in one incident with one case.
        fixture.Time.Advance(TimeSpan.FromMinutes(4));
        await fixture.Grains.GetGrain<IDeviceGrain>(gauges[0]).CheckOffline();

        var incident = Assert.Single((await Incidents.QueryAsync(new IncidentQuery(Group: catchment, PageSize: 10))).Items);
        Assert.Equal(fixture.Time.GetUtcNow(), incident.OpenedAt);
        Assert.Equal([gauges[0], gauges[1]], incident.Members.Select(m => m.DeviceId).Order(StringComparer.Ordinal));
        var cases = (await Cases.QueryAsync(new CaseQuery(PageSize: 100_000))).Items.Where(c => c.DeviceId is { } d && gauges.Contains(d) || c.IncidentId == incident.Id).ToList();
        Assert.Equal(incident.CaseId, Assert.Single(cases).Id);
        var quiet = Assert.Single((await Alarms.QueryAsync(new AlarmQuery(DeviceId: gauges[0], Status: AlarmStatus.Active))).Items);
        Assert.Equal((false, incident.Id, incident.CaseId), (quiet.Flapping, quiet.IncidentId, quiet.CaseId));

        // The replay of rule tests and backtests makes the same incident of the same readings.
        var rules = RuleParser.Parse("flapping-incident.yaml", FlappingIncidentClusterFixture.Yaml).RuleSet!;
        var events = new List<ReplayEvent>();
        var profile = new DeviceProfile(null, null, null, null, new Dictionary<string, string> { ["catchment"] = catchment });
        var replays = gauges.ToDictionary(g => g, g => new DeviceReplay(g, "waterlog", rules, NoZones.Instance, profile.Attributes, null, null, events));
        foreach (var (device, at, cm) in _sent)
        {
            replays[device].Feed(at, [("depth_cm", cm)]);
        }

        replays[gauges[0]].CheckOffline(fixture.Time.GetUtcNow());
        var replayed = Assert.Single(DeskReplay.Run(rules, events, _ => profile, NoZones.Instance).Incidents);
        Assert.Equal((incident.OpenedAt, string.Join(",", incident.Members.Select(m => m.DeviceId).Order(StringComparer.Ordinal))),
            (replayed.OpenedAt, string.Join(",", replayed.Members.Select(m => m.Device).Order(StringComparer.Ordinal))));
    }
}

/// <summary>Gauge depth flapping at 4 changes within 5 minutes, filing alone only from red; two gauges of a catchment make an incident that files from orange.</summary>
public sealed class FlappingIncidentClusterFixture : GrainClusterFixture
{
    public const string Yaml = """
        incidents:
          - id: catchment-flood
            rules: [depth]
            group: attribute:catchment
            within: 30m
            min: 2
            case: { code: "0406", title: "{count} 处积水", fileFrom: orange }
        rules:
          - id: depth
            kind: waterlog
            metric: depth_cm
            levels:
              - { severity: orange, above: 40 }
              - { severity: red,    above: 50 }
            flapping: { changes: 4, within: 5m }
            case: { code: "0406", title: "道路积水 {value} cm", fileFrom: red }
        """;

    protected override string RuleText => Yaml;
}
