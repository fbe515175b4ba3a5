namespace CityOps.Rules.Backtesting;

/// <summary>
/// What the registry knows of a device that a backtest needs: its position (for <c>when:</c>, zones), code, name, its attributes
/// (thresholds, <c>parent</c>, what incidents group by) and its unit grid (for <c>group: grid</c>).
/// </summary>
public sealed record DeviceProfile(string? Name, string? Code, double? Lat, double? Lon, IReadOnlyDictionary<string, string> Attributes, string? Grid = null);
