namespace CityOps.Rules.Replay;

/// <summary>
/// A silence (maintenance window) in a rule test or backtest: its matchers (null: any; see <see cref="SilenceMatch"/>) and
/// the window it holds in, <see cref="StartsAt"/> included, <see cref="EndsAt"/> (or its early expiry) excluded.
/// </summary>
public sealed record ReplaySilence(string Id, string? Device, string? Grid, string? Zone, string? Rule, DateTimeOffset StartsAt, DateTimeOffset EndsAt)
{
    public bool Holds(string deviceId, string ruleId, string? grid, double? lat, double? lon, DateTimeOffset at, IZoneLookup zones) =>
        StartsAt <= at && at < EndsAt && SilenceMatch.Matches(Device, Grid, Zone, Rule, deviceId, ruleId, grid, lat, lon, zones);
}
