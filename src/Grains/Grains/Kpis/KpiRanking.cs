namespace CityOps.Grains.Kpis;

/// <summary>One place in the 综合评价: the score (0-100) of a unit or area, its rank (ties share one), its row.</summary>
public sealed record RankedRow(int? Rank, string Name, double? Score, KpiRow Row);

/// <summary>
/// 综合评价: each row's score is the weighted mean of its rates (weights from <see cref="KpiOptions.Weights"/>;
/// rates where less is better count as 1 − rate), over the rates it has (a rate with no denominator is left out of its
/// mean), times 100, to 2 places. Best first; equal scores share a rank (1, 2, 2, 4); rows with no rate are unranked.
/// </summary>
public static class KpiRanking
{
    public static IReadOnlyList<RankedRow> Rank(IEnumerable<KpiRow> rows, IReadOnlyDictionary<string, double> weights)
    {
        var scored = rows
            .Select(r => (Row: r, Name: r.Unit ?? r.Area ?? "", Score: Score(r, weights)))
            .OrderByDescending(s => s.Score ?? double.NegativeInfinity)
            .ThenBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
        var ranked = new List<RankedRow>(scored.Count);
        for (var i = 0; i < scored.Count; i++)
        {
            var (row, name, score) = scored[i];
            int? rank = score is null ? null
                : i > 0 && scored[i - 1].Score == score ? ranked[i - 1].Rank
                : i + 1;
            ranked.Add(new RankedRow(rank, name, score, row));
        }

        return ranked;
    }

    public static double? Score(KpiRow row, IReadOnlyDictionary<string, double> weights)
    {
        double sum = 0, weight = 0;
        foreach (var (rate, w) in weights)
        {
            if (w > 0 && KpiRates.Of(row, rate) is { } value)
            {
                sum += w * (KpiRates.LowerIsBetter(rate) ? 1 - value : value);
                weight += w;
            }
        }

        return weight == 0 ? null : Math.Round(100 * sum / weight, 2);
    }
}
