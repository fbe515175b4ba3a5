using System.Collections.Immutable;
using CityOps.Grains;

namespace CityOps.Tests.Grains;

/// <summary>
/// A device grain whose state write failed is deactivated (StorageFailure), so the retried reading is judged again from
/// what is durable instead of being taken for a redelivery of something never saved.
/// </summary>
public sealed class StorageFailureGrainTests(StorageOutageClusterFixture fixture) : IClassFixture<StorageOutageClusterFixture>
{
    [Fact]
    public async Task Reading_whose_alarm_could_not_be_written_is_judged_again_when_retried_and_files_one_case()
    {
        const string device = "MH-DISKFULL-1";
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        await grain.Register(new DeviceRegistration("manhole", null, 35.3, 113.9, "0301", ImmutableDictionary<string, string>.Empty, null));
        var tilted = new Reading(device, "manhole", fixture.Time.GetUtcNow().ToUnixTimeMilliseconds(), 1, [new Metric("tilt_deg", 15)]);

        fixture.Outage.Begin();
        try
        {
            var failed = await Assert.ThrowsAnyAsync<Exception>(async () => await grain.Ingest([tilted]));
            Assert.True(StorageUnavailableException.Caused(failed), failed.ToString());
        }
        finally
        {
            fixture.Outage.End();
        }

        var retried = await grain.Ingest([tilted]);

        Assert.Equal((1, 1, 0), (retried.Accepted, retried.Evaluated, retried.Duplicates));
        var filed = Assert.Single(await GrainCases.Of(fixture, device));
        Assert.Equal("manhole-tilt", filed.RuleId);
    }
}
