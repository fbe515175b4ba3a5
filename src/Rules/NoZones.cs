namespace CityOps.Rules;

/// <summary>A city without geofences: every zone is unknown, so <c>inside:</c>/<c>outside:</c> rules are not judged.</summary>
public sealed class NoZones : IZoneLookup
{
    public static NoZones Instance { get; } = new();

    public bool HasZone(string zoneId) => false;

    public bool IsInside(string zoneId, double lat, double lon) => false;

    public IReadOnlyList<string> ZonesAt(double lat, double lon) => [];
}
