namespace CityOps.Rules;

/// <summary>
/// The geofences rules test with <c>inside:</c>/<c>outside:</c>. Passed in by the host (the zone map in force), so the
/// rule library needs no geometry or I/O of its own and picks up a new zone map on the next reading.
/// </summary>
public interface IZoneLookup
{
    /// <summary>Whether the zone exists at all; a rule about an unknown zone is not judged.</summary>
    bool HasZone(string zoneId);

    /// <summary>Whether (lat, lon) lies inside the zone (boundary included); false for an unknown zone.</summary>
    bool IsInside(string zoneId, double lat, double lon);

    /// <summary>The geofences (not grids) that (lat, lon) lies in, ordinal order: what an alarm records as its zones, and what <c>group: zone</c> groups by.</summary>
    IReadOnlyList<string> ZonesAt(double lat, double lon);
}
