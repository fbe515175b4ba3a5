using CityOps.Grains;
using CityOps.Grains.RuleSets;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Tests.Grains;

/// <summary>New rule set versions while devices hold alarms: kept when the rule is unchanged, cleared with a note when not.</summary>
public sealed class RuleReloadTests(GrainClusterFixture fixture) : IClassFixture<GrainClusterFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 20, 4, 0, 0, TimeSpan.Zero);
    private static int _next;

    private RuleCatalog Catalog => fixture.SiloServices.GetRequiredService<RuleCatalog>();

    private static string NewDevice() => $"WL-r{Interlocked.Increment(ref _next)}";

    private static Reading Depth(string device, DateTimeOffset at, double depth) =>
        new(device, "waterlog", at.ToUnixTimeMilliseconds(), null, [new Metric("depth_cm", depth)]);

    private async Task Apply(string rules, string author = "test")
    {
        var errors = await Catalog.ApplyAsync(new Dictionary<string, string> { ["test.yaml"] = rules }, author);
        Assert.Empty(errors);
    }

    private async Task<CaseSnapshot> Raise(string device, DateTimeOffset t, double depth)
    {
        await fixture.Grains.GetGrain<IDeviceGrain>(device).Ingest([Depth(device, t, depth), Depth(device, t.AddMinutes(1), depth)]);
        var raised = Assert.Single(await GrainCases.Of(fixture, device));
        Assert.True(raised.AlarmActive);
        return raised;
    }

    [Fact]
    public async Task Rule_changed_so_its_alarm_no_longer_holds_clears_that_alarm_with_a_note()
    {
        var device = NewDevice();
        try
        {
            await Raise(device, T0, 20);

            // Blue moves from 15 to 25 cm: the last reading, 20 cm, no longer raises the rule.
            await Apply(GrainClusterFixture.Rules.Replace("{ severity: blue,   above: 15 }", "{ severity: blue,   above: 25 }", StringComparison.Ordinal));
            await fixture.Grains.GetGrain<IDeviceGrain>(device).CheckOffline();

            var cleared = Assert.Single(await GrainCases.Of(fixture, device));
            Assert.False(cleared.AlarmActive);
            Assert.Contains(cleared.History, e => e.Type == "alarm" && e.To == "ended" && e.Note!.Contains("changed in rule set version", StringComparison.Ordinal));
            Assert.Empty((await fixture.Grains.GetGrain<IDeviceGrain>(device).Get())!.Alarms);
        }
        finally
        {
            await Apply(GrainClusterFixture.Rules);
        }
    }

    [Fact]
    public async Task Rule_changed_but_still_breached_keeps_its_alarm_and_case()
    {
        var device = NewDevice();
        try
        {
            var raised = await Raise(device, T0, 30);
            await Apply(GrainClusterFixture.Rules.Replace("{ severity: blue,   above: 15 }", "{ severity: blue,   above: 20 }", StringComparison.Ordinal));

            await fixture.Grains.GetGrain<IDeviceGrain>(device).Ingest([Depth(device, T0.AddMinutes(2), 31)]);

            var still = Assert.Single(await GrainCases.Of(fixture, device));
            Assert.Equal(raised.Id, still.Id);
            Assert.True(still.AlarmActive);
        }
        finally
        {
            await Apply(GrainClusterFixture.Rules);
        }
    }

    [Fact]
    public async Task Removed_rule_clears_its_alarm_with_a_note()
    {
        var device = NewDevice();
        try
        {
            await Raise(device, T0, 30);
            var start = GrainClusterFixture.Rules.IndexOf("  - id: waterlog-depth", StringComparison.Ordinal);
            var end = GrainClusterFixture.Rules.IndexOf("  - id: waterlog-offline", StringComparison.Ordinal);
            await Apply(GrainClusterFixture.Rules.Remove(start, end - start));

            await fixture.Grains.GetGrain<IDeviceGrain>(device).CheckOffline();

            var cleared = Assert.Single(await GrainCases.Of(fixture, device));
            Assert.False(cleared.AlarmActive);
            Assert.Contains(cleared.History, e => e.Note?.Contains("rule waterlog-depth removed", StringComparison.Ordinal) == true);
        }
        finally
        {
            await Apply(GrainClusterFixture.Rules);
        }
    }

    [Fact]
    public async Task Hot_reload_under_a_stream_of_readings_loses_and_duplicates_no_alarm()
    {
        var devices = Enumerable.Range(0, 16).Select(_ => NewDevice()).ToArray();
        var versions = new[]
        {
            // Unrelated rules change; the depth rule does not.
            GrainClusterFixture.Rules.Replace("above: 10 }", "above: 12 }", StringComparison.Ordinal),
            GrainClusterFixture.Rules.Replace("offline: 30m", "offline: 45m", StringComparison.Ordinal),
            // The depth ladder changes but every device's 35 cm still breaches it: same alarm, same case.
            GrainClusterFixture.Rules.Replace("{ severity: blue,   above: 15 }", "{ severity: blue,   above: 18 }", StringComparison.Ordinal),
            GrainClusterFixture.Rules,
        };
        try
        {
            using var stop = new CancellationTokenSource();
            var streams = devices.Select(async (device, index) =>
            {
                var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
                for (var i = 0; i < 60; i++)
                {
                    await grain.Ingest([Depth(device, T0.AddSeconds((i * 10) + index), 35)]);
                    await Task.Yield();
                }
            }).ToArray();

            var all = Task.WhenAll(streams);
            var applied = 0;
            while (!all.IsCompleted)
            {
                await Apply(versions[applied++ % versions.Length], "reloader");
                await Task.WhenAny(all, Task.Delay(5));
            }

            await all;
            Assert.True(applied >= 2, $"only {applied} versions applied during the stream");
            foreach (var device in devices)
            {
                var raised = Assert.Single(await GrainCases.Of(fixture, device));
                Assert.True(raised.AlarmActive, device);
                Assert.DoesNotContain(raised.History, e => e.Type == "alarm" && e.To == "clear");
                var alarm = Assert.Single((await fixture.Grains.GetGrain<IDeviceGrain>(device).Get())!.Alarms);
                Assert.Equal(raised.Id, alarm.CaseId);
            }
        }
        finally
        {
            await Apply(GrainClusterFixture.Rules);
        }
    }
}
