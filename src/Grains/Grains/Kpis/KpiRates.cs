namespace CityOps.Grains.Kpis;

/// <summary>The names of the rates (as in the JSON and in <see cref="KpiOptions.Weights"/>), and which of them are better low.</summary>
public static class KpiRates
{
    public const string HandleRate = "handleRate";
    public const string OnTimeHandleRate = "onTimeHandleRate";
    public const string CloseRate = "closeRate";
    public const string OnTimeCloseRate = "onTimeCloseRate";
    public const string ReworkRate = "reworkRate";
    public const string OverdueRate = "overdueRate";
    public const string DispatchAccuracy = "dispatchAccuracy";
    public const string OnTimeVerifyRate = "onTimeVerifyRate";
    public const string PostponeRate = "postponeRate";

    public static readonly IReadOnlyList<string> All =
        [HandleRate, OnTimeHandleRate, CloseRate, OnTimeCloseRate, ReworkRate, OverdueRate, DispatchAccuracy, OnTimeVerifyRate, PostponeRate];

    /// <summary>Rates where a lower figure is the better one: a score counts them as 1 − rate.</summary>
    public static bool LowerIsBetter(string rate) => rate is ReworkRate or OverdueRate or PostponeRate;

    public static double? Of(KpiRow row, string rate) => rate switch
    {
        HandleRate => row.HandleRate,
        OnTimeHandleRate => row.OnTimeHandleRate,
        CloseRate => row.CloseRate,
        OnTimeCloseRate => row.OnTimeCloseRate,
        ReworkRate => row.ReworkRate,
        OverdueRate => row.OverdueRate,
        DispatchAccuracy => row.DispatchAccuracy,
        OnTimeVerifyRate => row.OnTimeVerifyRate,
        PostponeRate => row.PostponeRate,
        _ => throw new ArgumentOutOfRangeException(nameof(rate), rate, "not a rate"),
    };
}
