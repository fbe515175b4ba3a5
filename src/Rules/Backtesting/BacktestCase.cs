using CityOps.Rules.Replay;

namespace CityOps.Rules.Backtesting;

/// <summary>A case the rules would have raised: when, how severe at most, the peak value, and when its alarm cleared (null: still active at the end).</summary>
public sealed record BacktestCase(
    string Device, string Rule, string Code, string Title, Severity Severity, DateTimeOffset OpenedAt, DateTimeOffset? ClearedAt,
    double? Peak, ImmutableArray<ReplayEvent> Events);
