using System.Collections.Immutable;
using CityOps.Grains;
using CityOps.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Tests.Grains;

/// <summary>
/// Sensor faults on a test cluster (CONTRACT §8): a gauge's jump fault suppresses its depth alarm (no flood case), and the
/// depth alarm, still active when the fault clears, is judged again and files its case.
/// </summary>
public sealed class SensorFaultGrainTests(SensorFaultClusterFixture fixture) : IClassFixture<SensorFaultClusterFixture>
{
    private IAlarmStore Alarms => fixture.SiloServices.GetRequiredService<IAlarmStore>();

    private ICaseStore Cases => fixture.SiloServices.GetRequiredService<ICaseStore>();

    private Task Send(string device, DateTimeOffset at, double depth) =>
        fixture.Grains.GetGrain<IDeviceGrain>(device).Ingest([new Reading(device, "waterlog", at.ToUnixTimeMilliseconds(), null, [new Metric("depth_cm", depth)])]).AsTask();

    private async Task<AlarmSnapshot?> Alarm(string device, string rule) =>
        (await Alarms.QueryAsync(new AlarmQuery(DeviceId: device))).Items.SingleOrDefault(a => a.RuleId == rule && a.ClearedAt is null);

    private async Task<int> CasesOf(string device) =>
        (await Cases.QueryAsync(new CaseQuery(PageSize: 100_000))).Items.Count(c => c.DeviceId == device);

    [Fact]
    public async Task A_jump_fault_suppresses_the_depth_alarm_which_files_its_case_when_the_fault_clears()
    {
        const string Gauge = "WL-FAULT-1";
        await fixture.Grains.GetGrain<IDeviceGrain>(Gauge).Register(new DeviceRegistration("waterlog", Gauge, 35.3, 113.9, null, ImmutableDictionary<string, string>.Empty, null));
        var t0 = fixture.Time.GetUtcNow();

        // 2 → 62 cm in 20 s: a broken gauge. The depth rule (for: 1m) raises a minute later, under the fault.
        await Send(Gauge, t0, 2);
        await Send(Gauge, t0.AddSeconds(10), 32);
        await Send(Gauge, t0.AddSeconds(20), 62);
        var jump = (await Alarm(Gauge, "jump"))!;
        Assert.Null(jump.CaseId);
        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        await Send(Gauge, t0.AddSeconds(80), 62);

        var depth = (await Alarm(Gauge, "depth"))!;
        Assert.Equal((true, jump.Id, (string?)null), (depth.Suppressed, depth.SuppressedBy, depth.CaseId));
        Assert.Equal(0, await CasesOf(Gauge));

        // No jump for the fault's clear window (10 minutes) and the water still at 62 cm: the fault clears, the depth alarm files.
        await Send(Gauge, t0.AddMinutes(2), 62);
        fixture.Time.Advance(TimeSpan.FromMinutes(11));
        await Send(Gauge, t0.AddMinutes(12), 62);
        for (var i = 0; i < 300 && (await Alarm(Gauge, "depth"))?.CaseId is null; i++)
        {
            await Task.Delay(10);
        }

        Assert.Null(await Alarm(Gauge, "jump"));
        depth = (await Alarm(Gauge, "depth"))!;
        Assert.Equal((false, AlarmDisposition.Filed), (depth.Suppressed, depth.Disposition));
        Assert.Contains(depth.History, h => h.Type == "unsuppressed" && h.From == jump.Id);
        Assert.Equal(1, await CasesOf(Gauge));
    }

    [Fact]
    public async Task A_fault_suppresses_an_alarm_raised_before_it_which_files_only_once_the_fault_clears()
    {
        const string Gauge = "WL-FAULT-3";
        await fixture.Grains.GetGrain<IDeviceGrain>(Gauge).Register(new DeviceRegistration("waterlog", Gauge, 35.3, 113.9, null, ImmutableDictionary<string, string>.Empty, null));
        var t0 = fixture.Time.GetUtcNow();

        // 20 cm for a minute: a yellow depth alarm, waiting (fileFrom: orange).
        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        await Send(Gauge, t0, 20);
        await Send(Gauge, t0.AddSeconds(70), 20);
        var depth = (await Alarm(Gauge, "depth"))!;
        Assert.Equal((false, AlarmDisposition.Pending), (depth.Suppressed, depth.Disposition));

        // 20 → 55 cm in 10 s: the jump fault is raised, and suppresses the depth alarm raised before it; the same reading
        // takes the depth alarm to orange, which would file it, but a suppressed alarm files nothing.
        await Send(Gauge, t0.AddSeconds(80), 55);
        var jump = (await Alarm(Gauge, "jump"))!;
        depth = (await Alarm(Gauge, "depth"))!;
        Assert.Equal((true, jump.Id, "orange", AlarmDisposition.Pending), (depth.Suppressed, depth.SuppressedBy, depth.Severity, depth.Disposition));
        Assert.Contains(depth.History, h => h.Type == "suppressed" && h.To == jump.Id);
        Assert.Equal(0, await CasesOf(Gauge));

        // The fault clears (no jump for 10 minutes); the depth alarm, still active, is judged again and files at orange.
        await Send(Gauge, t0.AddMinutes(2), 55);
        await Send(Gauge, t0.AddMinutes(3), 55);
        fixture.Time.Advance(TimeSpan.FromMinutes(11));
        await Send(Gauge, t0.AddMinutes(13), 55);
        for (var i = 0; i < 300 && (await Alarm(Gauge, "depth"))?.CaseId is null; i++)
        {
            await Task.Delay(10);
        }

        Assert.Null(await Alarm(Gauge, "jump"));
        depth = (await Alarm(Gauge, "depth"))!;
        Assert.Equal((false, AlarmDisposition.Filed), (depth.Suppressed, depth.Disposition));
        Assert.Contains(depth.History, h => h.Type == "unsuppressed" && h.From == jump.Id);
        Assert.Equal(1, await CasesOf(Gauge));
    }

    [Fact]
    public async Task A_real_flood_without_a_fault_files_as_before()
    {
        const string Gauge = "WL-FAULT-2";
        await fixture.Grains.GetGrain<IDeviceGrain>(Gauge).Register(new DeviceRegistration("waterlog", Gauge, 35.3, 113.9, null, ImmutableDictionary<string, string>.Empty, null));
        var t0 = fixture.Time.GetUtcNow();

        // Rising 10 cm a minute: no jump.
        await Send(Gauge, t0, 30);
        await Send(Gauge, t0.AddMinutes(1), 40);
        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        await Send(Gauge, t0.AddMinutes(2), 50);

        Assert.Null(await Alarm(Gauge, "jump"));
        var depth = (await Alarm(Gauge, "depth"))!;
        Assert.Equal((false, AlarmDisposition.Filed), (depth.Suppressed, depth.Disposition));
    }
}

/// <summary>The test cluster with a depth rule and a jump fault on the same metric.</summary>
public sealed class SensorFaultClusterFixture : GrainClusterFixture
{
    protected override string RuleText => """
        rules:
          - id: depth
            kind: waterlog
            metric: depth_cm
            levels: [ { severity: yellow, above: 15 }, { severity: orange, above: 40 } ]
            for: 1m
            case: { code: "0406", title: "道路积水 {value} cm", fileFrom: orange }
          - id: jump
            kind: waterlog
            maintenance: true
            jump: { metric: depth_cm, above: 30, per: 1m }
            clear: { for: 10m }
        """;
}
