using CityOps.Api.Demo;
using CityOps.Api.Hosting;
using CityOps.Grains;
using CityOps.Ingest.Parsing;
using CityOps.Tests.Infrastructure;
using CityOps.Tests.Rules;
using Microsoft.Extensions.Time.Testing;

namespace CityOps.Tests.Demo;

/// <summary>The simulator's physics over the sample city: what it publishes, second by second.</summary>
public sealed class CityModelTests
{
    private static readonly DateTimeOffset Noon = new(2026, 7, 20, 12, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateTimeOffset Midnight = new(2026, 7, 20, 23, 30, 0, TimeSpan.FromHours(8));

    private static readonly Scenario Sample = Scenario.Parse(File.ReadAllText(Path.Combine(RepoPaths.Samples, "scenario.json")));

    private static CityModel Model() => new(Sample, SampleDevices());

    private static readonly List<DemoDevice> Devices = LoadDevices();

    private static IEnumerable<DemoDevice> SampleDevices() => Devices;

    private static List<DemoDevice> LoadDevices()
    {
        var errors = new Dictionary<string, string[]>();
        var devices = CityOps.Api.Endpoints.DeviceImport.Validate(File.ReadAllText(Path.Combine(RepoPaths.Samples, "devices.csv")), isJson: false, ShippedRules.Kinds.Kinds, errors);
        Assert.Empty(errors);
        return [.. devices.Select(d => new DemoDevice(d.Id, d.Registration.Kind, d.Registration.Lat!.Value, d.Registration.Lon!.Value, d.Registration.Attributes))];
    }

    private static List<string> Gauges(bool flooded) => [.. Devices
        .Where(d => d.Kind == "waterlog" && (d.Attribute("catchment") == Sample.Storm.Catchment) == flooded)
        .Where(d => !Sample.Incidents.Any(i => i.Device == d.Id))
        .Select(d => d.Id)];

    /// <summary>Every reading of the first <paramref name="seconds"/> seconds, by device.</summary>
    private static Dictionary<string, List<DemoReading>> Run(CityModel model, int seconds, DateTimeOffset start, int from = 0)
    {
        var byDevice = new Dictionary<string, List<DemoReading>>();
        for (var s = from; s < from + seconds; s++)
        {
            foreach (var r in model.Tick(s, start.AddSeconds(s)))
            {
                (byDevice.TryGetValue(r.DeviceId, out var list) ? list : byDevice[r.DeviceId] = []).Add(r);
            }
        }

        return byDevice;
    }

    private static double Metric(DemoReading r, string name) => r.Metrics.Single(m => m.Name == name).Value;

    [Fact]
    public void Every_device_reports_at_its_kinds_interval_with_a_rising_seq()
    {
        var readings = Run(Model(), 60, Noon);
        Assert.Equal(12, readings["VH-0001"].Count);
        Assert.Equal(6, readings["WL-0010"].Count);
        Assert.Equal(2, readings["MH-0001"].Count);
        Assert.Equal(2, readings["SL-0001"].Count);
        Assert.All(readings.Values, list => Assert.Equal(Enumerable.Range(1, list.Count).Select(i => (long)i), list.Select(r => r.Seq)));
    }

    [Fact]
    public void Devices_stamp_their_readings_each_at_its_own_millisecond_of_the_second()
    {
        // Two gauges flooding in step must not raise their alarms at the same instant (one case event would hide another).
        var byDevice = Run(Model(), 30, Noon).ToDictionary(p => p.Key, p => p.Value.Where(r => r.At >= Noon).ToList());
        Assert.Equal(Devices.Count, byDevice.Count);
        Assert.All(byDevice.Values.SelectMany(l => l), r => Assert.True(r.At.Millisecond == (r.At - Noon).Milliseconds && r.At - Noon < TimeSpan.FromSeconds(30)));
        Assert.Equal(Devices.Count, byDevice.Values.Select(l => l[0].At.Millisecond).Distinct().Count());
    }

    [Fact]
    public void Every_payload_is_accepted_by_the_real_parser_within_the_physical_ranges_as_the_same_reading()
    {
        var time = new FakeTimeProvider(Noon.AddMinutes(1));
        var parser = new PayloadParser(time, ShippedRules.Kinds.ToIngestKinds());
        var output = new List<Reading>();
        var errors = new List<ParseError>();
        var all = Run(Model(), 30, Noon).Values.SelectMany(l => l).ToList();
        foreach (var r in all)
        {
            parser.Parse(new TelemetryTopic(r.Kind, r.DeviceId), r.ToPayload(), output, errors);
        }

        Assert.Empty(errors);
        Assert.Equal(all.Count, output.Count);
        var truck = output.First(r => r.Kind == "vehicle");
        Assert.NotNull(truck.Lat);
        Assert.Equal(["heading_deg", "lid_closed", "speed_kmh"], truck.Metrics.Select(m => m.Name).Order());
        Assert.All(output, r => Assert.NotEmpty(r.Metrics));
        Assert.Equal(ShippedRules.Kinds.Kinds.Order(), output.Select(r => r.Kind).Distinct().Order());
    }

    [Fact]
    public void The_storm_is_raining_at_the_start_floods_the_underpass_past_the_red_line_and_recedes()
    {
        var model = Model();
        double Depth(int second) => Metric(Run(model, 10, Noon, second)["WL-0001"].Last(), "depth_cm");

        Assert.True(Depth(0) > 15, "already past the blue line when the demo starts");
        Assert.True(Depth(Sample.Storm.PeakSeconds) > 50, "red at the peak");
        Assert.True(Depth(Sample.Storm.EndSeconds + 10) < 2, "gone after the storm");
        Assert.True(Depth(Sample.CycleSeconds + Sample.Storm.StartSeconds - 20) < 2, "dry before the next storm");
    }

    [Fact]
    public void The_storm_floods_every_gauge_of_its_catchment_within_the_first_20_seconds_and_no_other()
    {
        var readings = Run(Model(), Sample.Storm.EndSeconds, Noon);
        var flooded = Gauges(flooded: true);
        var dry = Gauges(flooded: false);
        Assert.InRange(flooded.Count, 10, 30);

        // Past the blue line (15 cm) from their first or second reading: their one-minute alarms come within a minute of
        // each other, and the incident forms. Outside the catchment the drains cope: nothing reaches the blue line.
        Assert.All(flooded, g => Assert.True(readings[g].First(r => Metric(r, "depth_cm") > 15).At < Noon.AddSeconds(20), g));
        Assert.All(flooded, g => Assert.True(readings[g].Max(r => Metric(r, "depth_cm")) > 27, g));
        Assert.All(dry, g => Assert.True(readings[g].Max(r => Metric(r, "depth_cm")) < 12, g));

        // Covers surcharge in the flooded catchment only (manhole-overflow: less than 30 cm to the cover).
        var covers = Devices.Where(d => d.Kind == "manhole").ToLookup(d => d.Attribute("catchment") == Sample.Storm.Catchment, d => d.Id);
        Assert.Contains(covers[true], c => readings[c].Min(r => Metric(r, "water_gap_cm")) < 30);
        Assert.All(covers[false].Where(readings.ContainsKey), c => Assert.True(readings[c].Min(r => Metric(r, "water_gap_cm")) > 60, c));
    }

    [Fact]
    public void No_gauge_changes_by_30_cm_within_20_seconds_not_even_where_the_cycle_wraps()
    {
        // waterlog-jump calls a change of more than 30 cm within 20 s a broken sensor: the storm must rise slower than that.
        var model = Model();
        var readings = Run(model, 200, Noon).Values.Concat(Run(model, 200, Noon, Sample.CycleSeconds - 100).Values);
        foreach (var list in readings.Where(l => l[0].Kind == "waterlog"))
        {
            var depths = list.Select(r => (r.At, Depth: Metric(r, "depth_cm"))).ToList();
            foreach (var (at, depth) in depths)
            {
                Assert.All(depths.Where(o => o.At < at && at - o.At <= TimeSpan.FromSeconds(20)), o => Assert.True(Math.Abs(depth - o.Depth) <= 30, $"{list[0].DeviceId} {o.Depth} → {depth}"));
            }
        }
    }

    [Fact]
    public void A_cabinet_that_loses_power_darkens_every_lamp_it_feeds_for_good_and_no_other()
    {
        var cabinet = Sample.Incidents.Single(i => i.Type == IncidentType.PowerLoss);
        var fed = Devices.Where(d => d.Attribute("parent") == cabinet.Device).Select(d => d.Id).ToHashSet();
        Assert.Equal(29, fed.Count);
        Assert.DoesNotContain(Sample.Incidents, i => fed.Contains(i.Device));

        var model = Model();
        var first = Run(model, 120, Noon);
        var next = Run(model, 120, Noon, Sample.CycleSeconds);
        Assert.All(first[cabinet.Device], r => Assert.Equal(r.At >= Noon.AddSeconds(cabinet.AtSeconds), Metric(r, "voltage_v") == 0));
        foreach (var (id, list) in first.Where(p => p.Key.StartsWith("SL-", StringComparison.Ordinal)))
        {
            Assert.All(list, r => Assert.Equal(fed.Contains(id) && r.At >= Noon.AddSeconds(cabinet.AtSeconds), Metric(r, "voltage_v") == 0));
        }

        Assert.All(fed, l => Assert.All(next[l], r => Assert.Equal((0, 0), (Metric(r, "voltage_v"), Metric(r, "current_a")))));
    }

    [Fact]
    public void A_frozen_gauge_uploads_its_stored_readings_first_then_reads_the_same_through_the_storm()
    {
        var frozen = Sample.Incidents.Single(i => i.Type == IncidentType.Frozen);
        Assert.DoesNotContain(frozen.Device, Gauges(flooded: true));
        var readings = Run(Model(), 300, Noon)[frozen.Device];

        var stored = readings.Where(r => r.At < Noon).ToList();
        Assert.InRange(stored[0].At - Noon.AddSeconds(frozen.AtSeconds), TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.True(Noon - stored[0].At > TimeSpan.FromHours(6), "longer ago than waterlog-stuck's 6 hours");
        Assert.All(stored.Zip(stored.Skip(1)), p => Assert.Equal(TimeSpan.FromSeconds(CityModel.BacklogSeconds), p.Second.At - p.First.At));
        Assert.True(stored.Count + 10 < readings.Count, "then live, every 10 s");
        Assert.All(readings, r => Assert.Equal(frozen.Value, Metric(r, "depth_cm")));
        Assert.Equal(Enumerable.Range(1, readings.Count).Select(i => (long)i), readings.Select(r => r.Seq));
    }

    [Fact]
    public void Covers_tilt_and_open_when_their_incidents_begin()
    {
        var readings = Run(Model(), 120, Noon);
        var tilt = Sample.Incidents.Single(i => i.Type == IncidentType.Tilt);
        var open = Sample.Incidents.Single(i => i.Type == IncidentType.Open);
        Assert.All(readings[tilt.Device], r => Assert.Equal(r.At >= Noon.AddSeconds(tilt.AtSeconds), Metric(r, "tilt_deg") > 20));
        Assert.All(readings[open.Device], r => Assert.Equal(r.At >= Noon.AddSeconds(open.AtSeconds) ? 1 : 0, Metric(r, "open")));
        Assert.Contains(readings[open.Device], r => Metric(r, "open") == 1);
    }

    [Fact]
    public void A_silent_device_stops_for_good_while_the_rest_repeat_every_cycle()
    {
        var model = Model();
        var silentAt = Sample.Incidents.Single(i => i.Type == IncidentType.Silent).AtSeconds;
        Assert.All(Run(model, 60, Noon)["MH-0200"], r => Assert.True(r.At < Noon.AddSeconds(silentAt)));
        var nextCycle = Run(model, 90, Noon, Sample.CycleSeconds);
        Assert.DoesNotContain("MH-0200", nextCycle.Keys);
        Assert.True(Metric(nextCycle["MH-0042"].Last(), "tilt_deg") > 20, "the knocked cover is knocked again next cycle");
    }

    [Fact]
    public void Lamps_follow_the_schedule_and_the_broken_ones_break()
    {
        var night = Run(Model(), 60, Midnight, 60);
        Assert.Equal(1, Metric(night["SL-0001"].Last(), "on"));
        Assert.True(Metric(night["SL-0001"].Last(), "current_a") > 0.3);
        Assert.True(Metric(night["SL-0021"].Last(), "current_a") < 0.05, "dark at night");
        Assert.True(Metric(night["SL-0013"].Last(), "voltage_v") < 160, "undervoltage");

        var day = Run(Model(), 60, Noon, 60);
        Assert.Equal(0, Metric(day["SL-0001"].Last(), "on"));
        Assert.Equal(1, Metric(day["SL-0034"].Last(), "on"));
        Assert.True(Metric(day["SL-0034"].Last(), "current_a") > 0.3, "lit by day");
    }

    [Fact]
    public void Trucks_keep_to_the_route_except_the_speeding_lid_open_and_straying_ones()
    {
        var zones = CityOps.Grains.Zones.ZoneSet.Build(File.ReadAllText(Path.Combine(RepoPaths.Samples, "zones.geojson")), out _)!;
        var readings = Run(Model(), 120, Noon);
        foreach (var (id, list) in readings.Where(p => p.Key.StartsWith("VH-", StringComparison.Ordinal) && p.Key != "VH-0011"))
        {
            Assert.All(list, r => Assert.True(zones.IsInside("muck-routes", r.Lat!.Value, r.Lon!.Value), $"{id} off route at {r.Lat},{r.Lon}"));
        }

        Assert.False(zones.IsInside("muck-routes", readings["VH-0011"].Last().Lat!.Value, readings["VH-0011"].Last().Lon!.Value));
        Assert.True(Metric(readings["VH-0003"].Last(), "speed_kmh") > 70);
        Assert.True(Metric(readings["VH-0001"].Last(), "speed_kmh") < 50);
        Assert.Equal(0, Metric(readings["VH-0007"].Last(), "lid_closed"));
        Assert.Equal(1, Metric(readings["VH-0001"].Last(), "lid_closed"));
    }
}
