using System.Collections.Immutable;
using CityOps.Grains;
using CityOps.Grains.Zones;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Tests.Grains;

/// <summary>Device grains judging when:, where:, outside: and per-device thresholds, with the zones in force.</summary>
public sealed class ConditionRuleGrainTests(GrainClusterFixture fixture) : IClassFixture<GrainClusterFixture>
{
    // 00:00 and 12:00 China time on 20 July 2026 at the demo city.
    private static readonly DateTimeOffset Midnight = new(2026, 7, 19, 16, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Noon = new(2026, 7, 20, 4, 0, 0, TimeSpan.Zero);
    private static int _next;

    private static string NewDevice(string prefix) => $"{prefix}-c{Interlocked.Increment(ref _next)}";

    private static string Zones(double west, double east) =>
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"id\":\"route\",\"type\":\"geofence\"},"
        + $"\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[[{west},35.28],[{east},35.28],[{east},35.32],[{west},35.32],[{west},35.28]]]}}}}]}}";

    private static Reading Lamp(string device, DateTimeOffset at, double on, double current) =>
        new(device, "streetlight", at.ToUnixTimeMilliseconds(), null, [new Metric("on", on), new Metric("current_a", current), new Metric("voltage_v", 221)]);

    private static Reading Truck(string device, DateTimeOffset at, double lat, double lon) =>
        new(device, "vehicle", at.ToUnixTimeMilliseconds(), null, [new Metric("speed_kmh", 30)], lat, lon);

    [Fact]
    public async Task Dark_lamp_raises_a_case_at_night_but_not_by_day()
    {
        var night = NewDevice("SL");
        var day = NewDevice("SL");
        foreach (var id in new[] { night, day })
        {
            await fixture.Grains.GetGrain<IDeviceGrain>(id).Register(new DeviceRegistration("streetlight", null, 35.3, 113.93, null, ImmutableDictionary<string, string>.Empty, null));
        }

        await fixture.Grains.GetGrain<IDeviceGrain>(night).Ingest([Lamp(night, Midnight, 1, 0.01)]);
        await fixture.Grains.GetGrain<IDeviceGrain>(day).Ingest([Lamp(day, Noon, 1, 0.01)]);

        var raised = Assert.Single(await GrainCases.Of(fixture, night));
        Assert.Equal(("streetlight-dark", "0118", Severity.Yellow), (raised.RuleId, raised.Code, raised.Severity));
        Assert.Empty(await GrainCases.Of(fixture, day));
    }

    [Fact]
    public async Task Truck_off_its_route_raises_a_case_and_a_new_zone_map_applies_without_restart()
    {
        var zones = fixture.SiloServices.GetRequiredService<ZoneMap>();
        Assert.Empty(await zones.ReplaceAsync(Zones(113.90, 113.95)));
        var truck = NewDevice("VH");
        var grain = fixture.Grains.GetGrain<IDeviceGrain>(truck);

        await grain.Ingest([Truck(truck, Noon, 35.30, 113.93), Truck(truck, Noon.AddSeconds(5), 35.30, 113.96), Truck(truck, Noon.AddSeconds(10), 35.30, 113.96)]);
        var raised = Assert.Single(await GrainCases.Of(fixture, truck));
        Assert.Equal(("vehicle-off-route", Severity.Orange, true), (raised.RuleId, raised.Severity, raised.AlarmActive));

        // The route corridor is widened: the same position is now inside and the alarm clears.
        Assert.Empty(await zones.ReplaceAsync(Zones(113.90, 113.97)));
        await grain.Ingest([Truck(truck, Noon.AddSeconds(15), 35.30, 113.96)]);
        Assert.False(Assert.Single(await GrainCases.Of(fixture, truck)).AlarmActive);
    }

    [Fact]
    public async Task Device_threshold_attribute_lets_one_low_gauge_alarm_earlier()
    {
        var low = NewDevice("WL");
        var normal = NewDevice("WL");
        var lowAttributes = ImmutableDictionary<string, string>.Empty.Add("threshold.waterlog-depth.blue", "5");
        await fixture.Grains.GetGrain<IDeviceGrain>(low).Register(new DeviceRegistration("waterlog", "下穿隧道", 35.3, 113.9, null, lowAttributes, null));
        await fixture.Grains.GetGrain<IDeviceGrain>(normal).Register(new DeviceRegistration("waterlog", null, 35.3, 113.9, null, ImmutableDictionary<string, string>.Empty, null));

        foreach (var id in new[] { low, normal })
        {
            await fixture.Grains.GetGrain<IDeviceGrain>(id).Ingest([
                new Reading(id, "waterlog", Noon.ToUnixTimeMilliseconds(), null, [new Metric("depth_cm", 8)]),
                new Reading(id, "waterlog", Noon.AddMinutes(1).ToUnixTimeMilliseconds(), null, [new Metric("depth_cm", 8)]),
            ]);
        }

        Assert.Equal(Severity.Blue, Assert.Single(await GrainCases.Of(fixture, low)).Severity);
        Assert.Empty(await GrainCases.Of(fixture, normal));
    }
}
