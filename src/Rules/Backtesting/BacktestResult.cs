using CityOps.Rules.Replay;

namespace CityOps.Rules.Backtesting;

/// <summary>
/// The outcome of a backtest: how much was replayed, the cases in order of opening (one per alarm), problems met on the way,
/// and what the alarm desk made of the alarms: the incidents they formed and the alarms suppressed (<see cref="DeskReplay"/>).
/// </summary>
public sealed record BacktestResult(int Readings, int Devices, ImmutableArray<BacktestCase> Cases, ImmutableArray<string> Problems)
{
    public ImmutableArray<ReplayIncident> Incidents { get; init; } = [];

    public ImmutableArray<ReplaySuppression> Suppressed { get; init; } = [];

    /// <summary>The alarms silences held (<see cref="ReplaySilenced"/>), in order.</summary>
    public ImmutableArray<ReplaySilenced> Silenced { get; init; } = [];

    /// <summary>
    /// Per calendar day at <paramref name="offset"/> (the days with anything in them, in order): alarms raised, incidents opened,
    /// alarms suppressed and by which rules.
    /// </summary>
    public ImmutableArray<BacktestDay> Days(TimeSpan offset)
    {
        var days = new SortedDictionary<DateOnly, DayTally>();
        DayTally On(DateTimeOffset at)
        {
            var day = DateOnly.FromDateTime(at.ToOffset(offset).DateTime);
            return days.TryGetValue(day, out var tally) ? tally : days[day] = new DayTally();
        }

        foreach (var c in Cases)
        {
            On(c.OpenedAt).Alarms++;
        }

        foreach (var i in Incidents)
        {
            On(i.OpenedAt).Incidents++;
        }

        foreach (var s in Suppressed)
        {
            var by = On(s.At).By;
            by[s.ByRule] = by.GetValueOrDefault(s.ByRule) + 1;
        }

        return [.. days.Select(d => new BacktestDay(d.Key, d.Value.Alarms, d.Value.Incidents, d.Value.By.Values.Sum(), d.Value.By.ToImmutableSortedDictionary(StringComparer.Ordinal)))];
    }

    private sealed class DayTally
    {
        public int Alarms { get; set; }

        public int Incidents { get; set; }

        public SortedDictionary<string, int> By { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>One calendar day of a backtest: alarms raised (cases, one per alarm), incidents opened, alarms suppressed, and how many each suppressing rule held.</summary>
public sealed record BacktestDay(DateOnly Day, int Alarms, int Incidents, int Suppressed, ImmutableSortedDictionary<string, int> SuppressedBy);
