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

    private static IEnumerable<DemoDevice> SampleDevices() =>
        File.ReadAllLines(Path.Combine(RepoPaths.Samples, "devices.csv")).Skip(1)
            .Select(l => l.Split(','))
            .Select(f => new DemoDevice(f[0], f[1], double.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture), double.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture)));

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
    public void The_storm_floods_the_underpasses_past_the_red_line_and_recedes()
    {
        var model = Model();
        double Depth(int second) => Metric(Run(model, 10, Noon, second)["WL-0001"].Last(), "depth_cm");

        Assert.True(Depth(0) < 5);
        Assert.True(Depth(Sample.Storm.PeakSeconds) > 50, "red at the peak");
        Assert.True(Depth(Sample.Storm.EndSeconds + 10) < 2, "gone after the storm");
    }

    [Fact]
    public void The_storm_does_not_reach_gauges_outside_its_radius()
    {
        var model = Model();
        var peak = Run(model, 10, Noon, Sample.Storm.PeakSeconds);
        var far = SampleDevices().Where(d => d.Kind == "waterlog" && CityModel.Distance(d.Lat, d.Lon, Sample.Storm.Lat, Sample.Storm.Lon) > Sample.Storm.RadiusMeters).ToList();
        Assert.All(far, d => Assert.True(Metric(peak[d.Id].Last(), "depth_cm") < 1, d.Id));
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
