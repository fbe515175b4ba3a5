namespace CityOps.Grains.Kpis;

/// <summary>
/// The indicators of one responsible unit (or all of them, <see cref="Unit"/> null) over a period, with
/// the counts behind them. Rates are fractions (0.9583), null when their denominator is zero.
/// </summary>
public sealed record UnitKpis(
    string? Unit,
    int Dispatched,
    int ToHandle,
    int Handled,
    int HandledOnTime,
    int ToClose,
    int Closed,
    int ClosedOnTime,
    int Reworked,
    int OverdueUnhandled,
    int Cancelled,
    double? HandleRate,
    double? OnTimeHandleRate,
    double? CloseRate,
    double? OnTimeCloseRate,
    double? ReworkRate,
    double? OverdueRate);
