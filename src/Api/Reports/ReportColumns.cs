using CityOps.Grains.Kpis;

namespace CityOps.Api.Reports;

/// <summary>The columns a report table shows, in order: JSON name, 中文 heading, and the figure of a row.</summary>
internal static class ReportColumns
{
    public static readonly IReadOnlyList<(string Name, string Chinese, Func<KpiRow, double?> Value, bool Rate)> All =
    [
        ("dispatched", "派遣数", r => r.Dispatched, false),
        ("toHandle", "应处置数", r => r.ToHandle, false),
        ("carriedOver", "上期结转", r => r.CarriedOver, false),
        ("handled", "处置数", r => r.Handled, false),
        ("handledOnTime", "按期处置数", r => r.HandledOnTime, false),
        ("toClose", "应结案数", r => r.ToClose, false),
        ("closed", "结案数", r => r.Closed, false),
        ("closedOnTime", "按期结案数", r => r.ClosedOnTime, false),
        ("reworked", "返工数", r => r.Reworked, false),
        ("overdueUnhandled", "超期未处置数", r => r.OverdueUnhandled, false),
        ("deferred", "缓办数", r => r.Deferred, false),
        ("cancelled", "作废数", r => r.Cancelled, false),
        ("returned", "回退数", r => r.Returned, false),
        ("reassigned", "改派数", r => r.Reassigned, false),
        ("postponed", "延期数", r => r.Postponed, false),
        ("toVerify", "应核查数", r => r.ToVerify, false),
        ("verifiedOnTime", "按时核查数", r => r.VerifiedOnTime, false),
        (KpiRates.HandleRate, "处置率", r => r.HandleRate, true),
        (KpiRates.OnTimeHandleRate, "按期处置率", r => r.OnTimeHandleRate, true),
        (KpiRates.CloseRate, "结案率", r => r.CloseRate, true),
        (KpiRates.OnTimeCloseRate, "按期结案率", r => r.OnTimeCloseRate, true),
        (KpiRates.ReworkRate, "返工率", r => r.ReworkRate, true),
        (KpiRates.OverdueRate, "超期未处置率", r => r.OverdueRate, true),
        (KpiRates.DispatchAccuracy, "派遣准确率", r => r.DispatchAccuracy, true),
        (KpiRates.OnTimeVerifyRate, "按时核查率", r => r.OnTimeVerifyRate, true),
        (KpiRates.PostponeRate, "延期率", r => r.PostponeRate, true),
    ];

    /// <summary>Every row of the report with its scope (overall, unit, district, street, community), name, rank and score.</summary>
    public static IEnumerable<(string Scope, string Name, int? Rank, double? Score, KpiRow Row)> Rows(KpiPeriodReport report) =>
        new[] { ("overall", "", (int?)null, (double?)null, report.Overall) }
            .Concat(report.Ranking.Select(r => ("unit", r.Name, r.Rank, r.Score, r.Row)))
            .Concat(report.Districts.Select(r => ("district", r.Area ?? "", (int?)null, (double?)null, r)))
            .Concat(report.Streets.Select(r => ("street", r.Area ?? "", (int?)null, (double?)null, r)))
            .Concat(report.Communities.Select(r => ("community", r.Area ?? "", (int?)null, (double?)null, r)));
}
