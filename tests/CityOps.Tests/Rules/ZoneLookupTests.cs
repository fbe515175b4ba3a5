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
}
