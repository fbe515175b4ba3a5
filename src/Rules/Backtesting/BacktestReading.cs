namespace CityOps.Rules.Backtesting;

/// <summary>One historical reading to replay.</summary>
public sealed record BacktestReading(string Device, string Kind, DateTimeOffset At, IReadOnlyList<(string Name, double Value)> Metrics, double? Lat, double? Lon);
