namespace CityOps.Rules;

/// <summary>
/// The matchers of a silence (CONTRACT §7): a device, a grid (code or prefix), a zone (geofence id), a rule; every one given
/// must match. The one test of them, for the live desk's silences and for those of rule tests and backtests alike.
/// </summary>
public static class SilenceMatch
{
    /// <summary>Whether the matchers (null: any) hold for an alarm of <paramref name="ruleId"/> on a device at (lat, lon) in <paramref name="deviceGrid"/>.</summary>
    public static bool Matches(
        string? device, string? grid, string? zone, string? rule,
        string deviceId, string ruleId, string? deviceGrid, double? lat, double? lon, IZoneLookup zones)
    {
        ArgumentNullException.ThrowIfNull(zones);
        return (device is null || device == deviceId)
            && (rule is null || rule == ruleId)
            && (grid is null || (deviceGrid is not null && deviceGrid.StartsWith(grid, StringComparison.Ordinal)))
            && (zone is null || (lat is { } la && lon is { } lo && zones.IsInside(zone, la, lo)));
    }
}
