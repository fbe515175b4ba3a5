using System.Collections.Immutable;

namespace CityOps.Rules.Backtesting;

/// <summary>The outcome of a backtest: how much was replayed, the cases in order of opening, and problems met on the way.</summary>
public sealed record BacktestResult(int Readings, int Devices, ImmutableArray<BacktestCase> Cases, ImmutableArray<string> Problems);
