namespace CityOps.Grains.Kpis;

/// <summary>
/// The indicators of one responsible unit, one grid area (区/街道/社区 by code prefix), or all (both null) over a
/// period, with the counts behind them (docs/kpis.md defines each). Rates are fractions (0.9583), null when their
/// denominator is zero.
/// </summary>
public sealed record KpiRow(
    string? Unit,
    string? Area,
    string? Level,
    int Dispatched,
    int Returned,
    int Reassigned,
    int Postponed,
    int ToHandle,
    int CarriedOver,
    int Handled,
    int HandledOnTime,
    int ToClose,
    int Closed,
    int ClosedOnTime,
    int Reworked,
    int OverdueUnhandled,
    int Deferred,
    int Cancelled,
    int ToVerify,
    int VerifiedOnTime,
    double? HandleRate,
    double? OnTimeHandleRate,
    double? CloseRate,
    double? OnTimeCloseRate,
    double? ReworkRate,
    double? OverdueRate,
    double? DispatchAccuracy,
    double? OnTimeVerifyRate,
    double? PostponeRate);
