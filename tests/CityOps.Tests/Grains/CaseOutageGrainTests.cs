using CityOps.Grains;
using CityOps.Grains.Devices;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Tests.Grains;

/// <summary>
/// A device whose case could not be filed because the call failed midway (the alarm is stored, the reading will be
/// redelivered and recognised, not judged again) still files that case exactly once: on the next call, or when the
/// sweeper comes by, without waiting for the grain to be activated again.
/// </summary>
public sealed class CaseOutageGrainTests(CaseOutageClusterFixture fixture) : IClassFixture<CaseOutageClusterFixture>
{
    private static int _next;

    private static Reading Tilt(string device, DateTimeOffset at, double tilt, long seq) =>
        new(device, "manhole", at.ToUnixTimeMilliseconds(), seq, [new Metric("tilt_deg", tilt)]);

    [Fact]
    public async Task A_case_whose_filing_failed_midway_is_filed_once_by_the_redelivery()
    {
        var device = $"MH-OUT-{Interlocked.Increment(ref _next)}";
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        var crossing = Tilt(device, fixture.Time.GetUtcNow(), 45, seq: 1);

        fixture.Outage.Begin();
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => grain.Ingest([crossing]).AsTask());
        }
        finally
        {
            fixture.Outage.End();
        }

        Assert.Empty(await GrainCases.Of(fixture, device));

        // The dispatcher retries the same reading: it is recognised as delivered before, and the case is filed now.
        var again = await grain.Ingest([crossing]);
        Assert.Equal((1, 0, 1), (again.Accepted, again.Evaluated, again.Duplicates));
        var filed = Assert.Single(await GrainCases.Of(fixture, device));
        Assert.Contains("45", filed.Title, StringComparison.Ordinal);

        await grain.Ingest([crossing]);
        await grain.Ingest([Tilt(device, fixture.Time.GetUtcNow().AddSeconds(1), 46, seq: 2)]);
        Assert.Single(await GrainCases.Of(fixture, device));
    }

    [Fact]
    public async Task A_device_that_stays_silent_after_the_failure_has_its_case_filed_by_the_sweeper()
    {
        var device = $"MH-OUT-{Interlocked.Increment(ref _next)}";
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);

        fixture.Outage.Begin();
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => grain.Ingest([Tilt(device, fixture.Time.GetUtcNow(), 45, seq: 1)]).AsTask());
        }
        finally
        {
            fixture.Outage.End();
        }

        Assert.Empty(await GrainCases.Of(fixture, device));

        // No reading comes again (the dispatcher gave up, or the broker's copy went elsewhere): the device is due for the
        // silo's sweep within seconds, not at its offline window.
        var sweeper = fixture.SiloServices.GetRequiredService<DeviceSweeper>();
        fixture.Time.Advance(TimeSpan.FromSeconds(6));
        await sweeper.SweepAsync();
        Assert.Single(await GrainCases.Of(fixture, device));
    }
}
