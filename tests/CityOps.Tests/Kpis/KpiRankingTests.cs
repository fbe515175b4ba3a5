using CityOps.Grains.Kpis;
using static CityOps.Tests.Kpis.NovemberCity;

namespace CityOps.Tests.Kpis;

public sealed class KpiRankingTests
{
    private static readonly KpiOptions Options = new() { TimeZone = "UTC" };

    // Default weights: 按期结案率 0.3, 按期处置率 0.2, 结案率 0.2, 处置率 0.1, 返工率 0.1 and 超期未处置率 0.1 (as 1 − rate).
    // roads:  every rate 1, rework 0, overdue 0                                                          = 100
    // lights: 0.3×0.5 + 0.2×0.5 + 0.2×0.5 + 0.1×0.5 + 0.1×(1 − 0) + 0.1×(1 − 0.25)                       = 57.5
    // water:  0.3×0.3333 + 0.2×0.3333 + 0.2×0.6667 + 0.1×0.7778 + 0.1×(1 − 0.1429) + 0.1×(1 − 0.2222)     = 54.126 → 54.13
    [Fact]
    public void November_ranks_roads_lights_water_by_the_weighted_score()
    {
        var units = KpiCalculator.Compute(Month(), From, To, Now, Options).Units;

        var ranking = KpiRanking.Rank(units, Options.Weights);

        Assert.Equal([(1, Roads, 100.0), (2, Lights, 57.5), (3, NovemberCity.Water, 54.13)],
            ranking.Select(r => (r.Rank!.Value, r.Name, r.Score!.Value)));
    }

    // Only 派遣准确率 weighs: lights 1 (no return or reassignment) → 100, water 1 − 2/9 → 77.78, roads 1 − 1/3 → 66.67.
    [Fact]
    public void Weights_come_from_configuration()
    {
        var weights = new Dictionary<string, double> { [KpiRates.DispatchAccuracy] = 1 };
        var units = KpiCalculator.Compute(Month(), From, To, Now, Options).Units;

        Assert.Equal([(Lights, 100.0), (NovemberCity.Water, 77.78), (Roads, 66.67)], KpiRanking.Rank(units, weights).Select(r => (r.Name, r.Score!.Value)));
    }

    [Fact]
    public void Equal_scores_share_a_rank_and_rows_without_rates_come_last_unranked()
    {
        var a = Row("a", 0.9);
        var rows = new[] { Row("d", null), Row("c", 0.5), a with { Unit = "b" }, a };

        var ranking = KpiRanking.Rank(rows, new Dictionary<string, double> { [KpiRates.CloseRate] = 1 });

        Assert.Equal([("a", (int?)1), ("b", 1), ("c", 3), ("d", null)], ranking.Select(r => (r.Name, r.Rank)));
        Assert.Null(ranking[^1].Score);
    }

    private static KpiRow Row(string unit, double? closeRate) =>
        new(unit, null, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, closeRate, null, null, null, null, null, null);
}
