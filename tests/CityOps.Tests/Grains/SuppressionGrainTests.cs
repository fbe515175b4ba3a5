using System.Collections.Immutable;
using CityOps.Grains;
using CityOps.Grains.Storage;
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

    private Task Send(string device, string kind, DateTimeOffset at, string metric, double value) =>
        fixture.Grains.GetGrain<IDeviceGrain>(device).Ingest([new Reading(device, kind, at.ToUnixTimeMilliseconds(), null, [new Metric(metric, value)])]).AsTask();

    private async Task<AlarmSnapshot?> ActiveAlarm(string device) =>
        (await Alarms.QueryAsync(new AlarmQuery(DeviceId: device, Status: AlarmStatus.Active))).Items.SingleOrDefault();

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
}
