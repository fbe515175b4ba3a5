namespace CityOps.Grains.Kpis;

/// <summary>
/// The weekly or monthly report (<c>GET /api/v1/reports/{weekly|monthly}</c>): every unit's row and its place in the
/// 综合评价, the rows of every 区, 街道 and 社区, and the overall row, for one period as it stood at <see cref="AsOf"/>.
/// </summary>
public sealed record KpiPeriodReport(
    string Kind,
    string Period,
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset AsOf,
    KpiRow Overall,
    IReadOnlyList<RankedRow> Ranking,
    IReadOnlyList<KpiRow> Districts,
    IReadOnlyList<KpiRow> Streets,
    IReadOnlyList<KpiRow> Communities,
    IReadOnlyDictionary<string, double> Weights)
{
    public static KpiPeriodReport Build(IEnumerable<CaseSnapshot> cases, ReportPeriod period, DateTimeOffset now, KpiOptions options)
    {
        var report = KpiCalculator.Compute(cases, period.From, period.To, now, options, new KpiScope(Levels: KpiScope.AllLevels));
        IReadOnlyList<KpiRow> Areas(string level) => [.. report.Areas!.Where(a => a.Level == level)];

        return new KpiPeriodReport(
            period.Kind, period.Name, period.From, period.To, report.AsOf, report.Overall,
            KpiRanking.Rank(report.Units, options.Weights), Areas("district"), Areas("street"), Areas("community"), options.Weights);
    }
}
