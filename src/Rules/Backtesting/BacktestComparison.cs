namespace CityOps.Rules.Backtesting;

/// <summary>
/// What a candidate rule set would change against the rules in force, on the same readings: cases only it raises
/// (added), cases only the rules in force raise (removed), and cases of the same device and rule whose alarms
/// overlap in time but differ in opening, clearing, severity or peak (changed).
/// </summary>
public sealed record BacktestComparison(
    ImmutableArray<BacktestCase> Added,
    ImmutableArray<BacktestCase> Removed,
    ImmutableArray<(BacktestCase InForce, BacktestCase Candidate)> Changed,
    int Unchanged)
{
    public static BacktestComparison Of(IReadOnlyList<BacktestCase> inForce, IReadOnlyList<BacktestCase> candidate)
    {
        var unmatched = inForce.ToList();
        var added = ImmutableArray.CreateBuilder<BacktestCase>();
        var changed = ImmutableArray.CreateBuilder<(BacktestCase, BacktestCase)>();
        var unchanged = 0;
        foreach (var c in candidate)
        {
            var match = unmatched.FirstOrDefault(old => old.Device == c.Device && old.Rule == c.Rule && Overlap(old, c));
            if (match is null)
            {
                added.Add(c);
                continue;
            }

            unmatched.Remove(match);
            if (match.OpenedAt == c.OpenedAt && match.ClearedAt == c.ClearedAt && match.Severity == c.Severity && match.Peak == c.Peak)
            {
                unchanged++;
            }
            else
            {
                changed.Add((match, c));
            }
        }

        return new BacktestComparison(added.ToImmutable(), [.. unmatched], changed.ToImmutable(), unchanged);
    }

    private static bool Overlap(BacktestCase a, BacktestCase b) =>
        a.OpenedAt <= (b.ClearedAt ?? DateTimeOffset.MaxValue) && b.OpenedAt <= (a.ClearedAt ?? DateTimeOffset.MaxValue);
}
