using CityOps.Grains.Zones;
using CityOps.Rules;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Rules;

/// <summary>The demo city's zones as rules see them: geofences and unit grids by id.</summary>
public class ZoneLookupTests
{
    private static readonly IZoneLookup Zones = ZoneSet.Build(File.ReadAllText(Path.Combine(RepoPaths.Samples, "zones.geojson")), out _)!;

    [Fact]
    public void Geofences_and_grids_are_zones_by_id_and_others_are_unknown()
    {
        Assert.True(Zones.HasZone("muck-routes"));
        Assert.True(Zones.HasZone("410702001001001"));
        Assert.False(Zones.HasZone("nowhere"));
        Assert.False(Zones.IsInside("nowhere", 35.297246, 113.93));
    }

    [Fact]
    public void Point_on_the_route_is_inside_the_corridor_and_350_m_off_it_is_not()
    {
        Assert.True(Zones.IsInside("muck-routes", 35.297246, 113.93));
        Assert.False(Zones.IsInside("muck-routes", 35.3004, 113.93));
        Assert.True(Zones.IsInside("410702001001001", 35.2953, 113.9205));
    }

    [Theory]
    [InlineData("41070200100101", true)]
    [InlineData("410702001001001", true)]
    [InlineData("4107020010010", false)]
    public void Grid_codes_of_15_digits_and_legacy_14_digit_ones_are_accepted(string code, bool accepted)
    {
        var geoJson = $$$"""
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"g1","type":"grid","code":"{{{code}}}","unit":"water-east"},
             "geometry":{"type":"Polygon","coordinates":[[[113.90,35.30],[113.91,35.30],[113.91,35.31],[113.90,35.31],[113.90,35.30]]]}}]}
            """;

        var set = ZoneSet.Build(geoJson, out var errors);

        Assert.Equal(accepted, errors.Count == 0);
        if (accepted)
        {
            Assert.Equal((code, "water-east"), (set!.Locate(35.305, 113.905)!.Code, set.Locate(35.305, 113.905)!.Unit));
        }
    }
}
