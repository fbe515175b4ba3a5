namespace CityOps.Rules.Backtesting;

/// <summary>Which readings a backtest replays: a time range (from inclusive, to exclusive), devices and a kind; null = all.</summary>
public sealed record BacktestFilter(DateTimeOffset? From = null, DateTimeOffset? To = null, IReadOnlySet<string>? Devices = null, string? Kind = null)
{
    public bool Includes(BacktestReading reading) =>
        (From is null || reading.At >= From) && (To is null || reading.At < To)
        && (Devices is null || Devices.Contains(reading.Device)) && (Kind is null || reading.Kind == Kind);
}
