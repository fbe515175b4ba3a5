using CityOps.Api.Demo;
using CityOps.Api.Endpoints;
using CityOps.Grains.Zones;
using CityOps.Tests.Infrastructure;
using CityOps.Tests.Rules;

namespace CityOps.Tests.Demo;

/// <summary>The files in <c>samples/</c> load exactly as the API would load them, and fit together.</summary>
public sealed class SampleCityTests
{
    private static readonly ZoneSet Zones = ZoneSet.Build(File.ReadAllText(Path.Combine(RepoPaths.Samples, "zones.geojson")), out var errors)
        ?? throw new InvalidOperationException(string.Join("; ", errors));

    private static List<ImportedDevice> Devices()
    {
        var errors = new Dictionary<string, string[]>();
        var devices = DeviceImport.Validate(File.ReadAllText(Path.Combine(RepoPaths.Samples, "devices.csv")), isJson: false, ShippedRules.Kinds.Kinds, errors);
        Assert.Empty(errors);
        return devices;
    }

    [Fact]
    public void Zones_are_a_few_square_kilometres_of_15_digit_unit_grids_with_units_and_the_geofences()
    {
        Assert.InRange(Zones.GridCount, 100, 400);
        Assert.Contains("muck-routes", Zones.Geofences);
        Assert.Contains("flood-underpasses", Zones.Geofences);
        var cell = Zones.Locate(35.30, 113.93);
        Assert.NotNull(cell);
        Assert.Matches("^410702[0-9]{9}$", cell.Code);
        Assert.False(string.IsNullOrEmpty(cell.Unit));
    }

    [Fact]
    public void About_500_devices_of_every_shipped_kind_each_inside_a_grid_with_a_unit()
    {
        var devices = Devices();
        Assert.InRange(devices.Count, 450, 550);
        Assert.Equal(ShippedRules.Kinds.Kinds.Order(), devices.Select(d => d.Registration.Kind).Distinct().Order());
        Assert.All(ShippedRules.Kinds.Kinds, kind => Assert.InRange(devices.Count(d => d.Registration.Kind == kind), 3, 300));
        foreach (var (id, registration, _) in devices)
        {
            var cell = Zones.Locate(registration.Lat!.Value, registration.Lon!.Value);
            Assert.True(cell?.Unit is not null, $"{id} at {registration.Lat},{registration.Lon} is in no grid with a unit");
        }
    }

    [Fact]
    public void Gauges_covers_and_drains_carry_their_catchment_and_every_lamp_the_cabinet_that_feeds_it()
    {
        var devices = Devices();
        var byId = devices.ToDictionary(d => d.Id, d => d.Registration);
        var scenario = Scenario.Parse(File.ReadAllText(Path.Combine(RepoPaths.Samples, "scenario.json")));
        string? Attribute(ImportedDevice d, string name) => d.Registration.Attributes.GetValueOrDefault(name);

        var drained = devices.Where(d => d.Registration.Kind is "waterlog" or "manhole" or "drainage").ToList();
        Assert.All(drained, d => Assert.EndsWith("排水分区", Attribute(d, "catchment")));
        Assert.Equal(4, drained.Select(d => Attribute(d, "catchment")).Distinct().Count());
        var flooded = drained.Where(d => d.Registration.Kind == "waterlog" && Attribute(d, "catchment") == scenario.Storm.Catchment).ToList();
        Assert.InRange(flooded.Count, 10, 30);
        Assert.All(scenario.Storm.LowGauges ?? [], g => Assert.Contains(g, flooded.Select(d => d.Id)));

        var lamps = devices.Where(d => d.Registration.Kind == "streetlight").ToList();
        Assert.All(lamps, l => Assert.Equal("lampcabinet", byId[Attribute(l, "parent")!].Kind));
        Assert.Equal(3, lamps.Select(l => Attribute(l, "parent")).Distinct().Count());
        Assert.All(devices.Where(d => d.Registration.Kind is not ("streetlight")), d => Assert.Null(Attribute(d, "parent")));
    }

    [Fact]
    public void Scenario_names_only_sample_devices_and_its_route_lies_inside_the_muck_route_geofence()
    {
        var scenario = Scenario.Parse(File.ReadAllText(Path.Combine(RepoPaths.Samples, "scenario.json")));
        var ids = Devices().Select(d => d.Id).ToHashSet();
        Assert.All(scenario.Incidents, i => Assert.Contains(i.Device, ids));
        Assert.All(scenario.Storm.LowGauges ?? [], g => Assert.Contains(g, ids));
        Assert.All(scenario.Route, p => Assert.True(Zones.IsInside("muck-routes", p[1], p[0]), $"route point {p[1]},{p[0]} outside muck-routes"));
        Assert.Equal(Enum.GetValues<IncidentType>().Order(), scenario.Incidents.Select(i => i.Type).Distinct().Order());
    }

    [Fact]
    public void A_broken_scenario_is_refused_with_a_clear_error()
    {
        var e = Assert.Throws<InvalidDataException>(() => Scenario.Parse("""{"cycleSeconds": 0, "storm": {"lat": 0, "lon": 0, "radiusMeters": 1, "startSeconds": 0, "peakSeconds": 1, "endSeconds": 2, "peakDepthCm": 1}, "route": [], "incidents": []}"""));
        Assert.Contains("cycleSeconds", e.Message);
    }
}
