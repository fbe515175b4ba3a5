using System.Collections.Immutable;
using CityOps.Grains;
using CityOps.Grains.Devices;
using CityOps.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace CityOps.Tests.Grains;

/// <summary>
/// Readings the silo's own dispatcher hands a device grain active here (LocalDevices): judged in a turn it starts, without
/// an Orleans message, moved onto the activation for what needs the grain's context, and never beside another call.
/// </summary>
public sealed class LocalIngestTests(StorageOutageClusterFixture fixture) : IClassFixture<StorageOutageClusterFixture>
{
    private ILocalDevices Local => fixture.SiloServices.GetRequiredService<ILocalDevices>();

    [Fact]
    public async Task A_crossing_judged_in_a_turn_the_dispatcher_started_raises_its_alarm_and_files_its_case()
    {
        const string device = "MH-LOCAL-1";
        var grain = await Registered(device);

        Assert.True(Local.TryIngest(device, [Tilted(device, 15)], out var judged));
        var result = await judged;

        Assert.Equal((1, 1), (result.Accepted, result.Evaluated));
        Assert.Equal("manhole-tilt", Assert.Single((await grain.Get())!.Alarms).RuleId);
        Assert.Equal("manhole-tilt", Assert.Single(await GrainCases.Of(fixture, device)).RuleId);
    }

    [Fact]
    public async Task A_device_not_active_here_or_not_registered_is_left_to_a_grain_call()
    {
        Assert.False(Local.TryIngest("MH-LOCAL-NEVER", [Tilted("MH-LOCAL-NEVER", 1)], out _));

        // Activated by a call but never registered: its first reading registers it, which a grain call does.
        var unregistered = fixture.Grains.GetGrain<IDeviceGrain>("MH-LOCAL-2");
        Assert.Null(await unregistered.Get());
        Assert.False(Local.TryIngest("MH-LOCAL-2", [Tilted("MH-LOCAL-2", 1)], out _));
    }

    [Fact]
    public async Task A_call_arriving_during_such_a_turn_waits_for_it_to_end()
    {
        // The raise moves onto the activation and awaits writes and the case; a Get sent meanwhile must not see the
        // reading's metrics without its alarm (it would, if it ran between the two halves of the turn).
        for (var i = 0; i < 20; i++)
        {
            var device = $"MH-LOCAL-TURN-{i}";
            var grain = await Registered(device);
            Assert.True(Local.TryIngest(device, [Tilted(device, 15)], out var judged));
            var seen = await grain.Get();
            await judged;

            Assert.Equal(15, seen!.Last["tilt_deg"]);
            Assert.Equal("manhole-tilt", Assert.Single(seen.Alarms).RuleId);
        }
    }

    [Fact]
    public async Task A_turn_whose_write_fails_deactivates_the_grain_and_the_retry_by_grain_call_files_one_case()
    {
        const string device = "MH-LOCAL-DISKFULL";
        var grain = await Registered(device);
        var tilted = Tilted(device, 15);

        fixture.Outage.Begin();
        try
        {
            Assert.True(Local.TryIngest(device, [tilted], out var judged));
            var failed = await Assert.ThrowsAnyAsync<Exception>(async () => await judged);
            Assert.True(StorageUnavailableException.Caused(failed), failed.ToString());
        }
        finally
        {
            fixture.Outage.End();
        }

        // Deactivated: no longer here until a call activates it again from what is durable.
        Assert.False(Local.TryIngest(device, [tilted], out _));
        var retried = await grain.Ingest([tilted]);

        Assert.Equal((1, 1, 0), (retried.Accepted, retried.Evaluated, retried.Duplicates));
        Assert.Equal("manhole-tilt", Assert.Single(await GrainCases.Of(fixture, device)).RuleId);
    }

    [Fact]
    public async Task A_turn_whose_state_another_activation_wrote_meanwhile_deactivates_and_files_nothing_from_memory()
    {
        // Two activations of one device (a node rejoining the cluster): the one whose write finds the state newer than it
        // read must go, as Orleans deactivates it after a call; kept, it would settle and refile what it never stored.
        const string device = "MH-LOCAL-STALE";
        var grain = await Registered(device);
        var storage = fixture.SiloServices.GetRequiredKeyedService<IGrainStorage>(GrainsHostingExtensions.StorageName);
        var other = new GrainState<DeviceState>();
        var id = grain.GetGrainId();
        await storage.ReadStateAsync(DeviceServices.StateName, id, other);
        await storage.WriteStateAsync(DeviceServices.StateName, id, other); // the other activation's write

        Assert.True(Local.TryIngest(device, [Tilted(device, 15)], out var judged));
        await Assert.ThrowsAsync<InconsistentStateException>(async () => await judged);
        Assert.False(Local.TryIngest(device, [Tilted(device, 16)], out _));

        var later = new Reading(device, "manhole", fixture.Time.GetUtcNow().ToUnixTimeMilliseconds() + 1000, 2, [new Metric("tilt_deg", 16)]);
        var retried = await grain.Ingest([later]);

        Assert.Equal((1, 1), (retried.Accepted, retried.Evaluated));
        Assert.Single(await GrainCases.Of(fixture, device));
    }

    private async Task<IDeviceGrain> Registered(string device)
    {
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(device);
        await grain.Register(new DeviceRegistration("manhole", null, 35.3, 113.9, "0301", ImmutableDictionary<string, string>.Empty, null));
        return grain;
    }

    private Reading Tilted(string device, double degrees) =>
        new(device, "manhole", fixture.Time.GetUtcNow().ToUnixTimeMilliseconds(), 1, [new Metric("tilt_deg", degrees)]);
}
