namespace CityOps.Grains.Kpis;

/// <summary>
/// The 数字城管 indicators (DOMAIN.md, docs/kpis.md), computed from case snapshots and their histories, pure.
/// For a period [from, to), counted as it stands at <c>asOf</c> = min(to, now):
/// <list type="bullet">
/// <item>a case counts for the unit that held it when its deadline fell (<see cref="CaseTimeline"/>): a spell that
/// ended (回退, 改派) before its deadline is not that unit's; one that ended after it stays that unit's failure;</item>
/// <item>应处置: the spells whose deadline falls in [from, asOf), plus earlier ones the unit still held unhandled at
/// <c>from</c> (carry-over); a case still inside its deadline at <c>asOf</c> is not yet counted, so never failed;</item>
/// <item>作废: a case cancelled before its deadline is out of every rate; one cancelled after it stays counted (and is
/// never 结案), carried over until the cancellation.</item>
/// </list>
/// </summary>
public static class KpiCalculator
{
    public static KpiReport Compute(IEnumerable<CaseSnapshot> cases, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, KpiOptions options, KpiScope? scope = null)
    {
        scope ??= new KpiScope();
        var asOf = now < to ? now : to;
        var levels = (scope.Levels ?? []).Select(level => (Level: level, Digits: KpiScope.Digits(level, options))).ToList();
        var overall = new KpiTally();
        var units = new SortedDictionary<string, KpiTally>(StringComparer.Ordinal);
        var areas = levels.Select(_ => new SortedDictionary<string, KpiTally>(StringComparer.Ordinal)).ToList();

        foreach (var c in cases)
        {
            if (scope.Grid is { } grid && c.Grid?.StartsWith(grid, StringComparison.Ordinal) != true)
            {
                continue;
            }

            KpiTally[] For(string unit) =>
                [overall, Get(units, unit), .. levels.Select((l, i) => Get(areas[i], c.Grid is { } g && g.Length >= l.Digits ? g[..l.Digits] : "(none)"))];

            var cancelledAt = CaseTimeline.CancelledAt(c);
            var spells = CaseTimeline.Read(c);
            if (cancelledAt is { } x && x >= from && x < asOf && !spells.Any(s => s.EndedBy == "cancel")
                && (scope.Unit is null || scope.Unit == c.Unit))
            {
                foreach (var t in For(c.Unit ?? "(none)"))
                {
                    t.Cancelled++;
                }
            }

            foreach (var spell in spells)
            {
                if (scope.Unit is null || scope.Unit == spell.Unit)
                {
                    var tallies = For(spell.Unit);
                    CountEvents(c, spell, cancelledAt, from, asOf, tallies);
                    CountDue(spell, cancelledAt, from, asOf, options, tallies);
                }
            }
        }

        return new KpiReport(
            from, to, asOf,
            overall.ToRow(scope.Unit, scope.Grid, null, options),
            [.. units.Select(u => u.Value.ToRow(u.Key, null, null, options))],
            levels.Count == 0 ? null : [.. levels.SelectMany((l, i) => areas[i].Select(a => a.Value.ToRow(null, a.Key, l.Level, options)))]);
    }

    /// <summary>What happened in the period: dispatches, 回退, 改派, 作废, postponements granted, verifications due.</summary>
    private static void CountEvents(CaseSnapshot c, Assignment spell, DateTimeOffset? cancelledAt, DateTimeOffset from, DateTimeOffset asOf, KpiTally[] tallies)
    {
        bool In(DateTimeOffset at) => at >= from && at < asOf;
        var verifyLimit = c.VerifyLimit ?? Routing.RoutingTable.DefaultVerify;
        var endedBy = spell.End is { } end && In(end) ? spell.EndedBy : null;
        var postponed = spell.Entries.Count(e => e.Type is "postpone" or "approve-postpone" && In(e.At));
        foreach (var t in tallies)
        {
            t.Dispatched += In(spell.Start) ? 1 : 0;
            t.Returned += endedBy == "return" ? 1 : 0;
            t.Reassigned += endedBy == "reassign" ? 1 : 0;
            t.Cancelled += endedBy == "cancel" ? 1 : 0;
            t.Postponed += postponed;
        }

        // 按时核查: every handling asks for a verification (核查) within the case's limit; a verify or a rework answers it.
        foreach (var handle in spell.Entries.Where(e => e.Type == "handle"))
        {
            var due = handle.At + verifyLimit;
            if (!In(due) || cancelledAt <= due)
            {
                continue;
            }

            var answer = c.History.FirstOrDefault(e => e.At >= handle.At && e.Type is "verify" or "rework");
            foreach (var t in tallies)
            {
                t.ToVerify++;
                t.VerifiedOnTime += answer is not null && answer.At <= due ? 1 : 0;
            }
        }
    }

    /// <summary>The spell as 应处置 (due in the period, or carried over unhandled) and where it stood at <paramref name="asOf"/>.</summary>
    private static void CountDue(Assignment spell, DateTimeOffset? cancelledAt, DateTimeOffset from, DateTimeOffset asOf, KpiOptions options, KpiTally[] tallies)
    {
        if (spell.Due is not { } due || cancelledAt <= due || (spell.End <= due && spell.EndedBy != "cancel"))
        {
            return;
        }

        // When it counts: at its deadline; optionally, a case handled before its deadline counts when it was handled.
        var counts = options.CountHandledEarly && spell.HandledAt(due) is { } early ? early : due;
        var carried = counts < from && spell.HeldAt(from) && spell.HandledAt(from) is null;
        if (!carried && (counts < from || counts >= asOf))
        {
            return;
        }

        var handled = spell.HandledAt(asOf);
        var closed = spell.Has("close", asOf);
        var reworked = spell.Has("rework", asOf);
        var deferred = handled is null && spell.HeldAt(asOf) && spell.DeferredAt(asOf);
        foreach (var t in tallies)
        {
            t.ToHandle++;
            t.CarriedOver += carried ? 1 : 0;
            t.Handled += handled is null ? 0 : 1;
            t.HandledOnTime += handled <= due ? 1 : 0;
            t.Closed += closed ? 1 : 0;
            t.ClosedOnTime += closed && handled <= due ? 1 : 0;
            t.Reworked += reworked ? 1 : 0;
            t.Deferred += deferred ? 1 : 0;
            t.OverdueUnhandled += handled is null && !deferred && due < asOf ? 1 : 0;
        }
    }

    private static KpiTally Get(SortedDictionary<string, KpiTally> tallies, string key)
    {
        if (!tallies.TryGetValue(key, out var tally))
        {
            tally = new KpiTally();
            tallies[key] = tally;
        }

        return tally;
    }
}
