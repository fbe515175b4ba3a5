namespace CityOps.Grains.Kpis;

/// <summary>
/// The 数字城管 indicators (DOMAIN.md), computed from case histories, pure. For a period [from, to):
/// <list type="bullet">
/// <item>the cases counted are those first dispatched (派遣) in the period, by the unit they are with now;
/// cases cancelled (作废) before <c>to</c> are left out of every rate and counted apart;</item>
/// <item>应处置数 = 应结案数 = those cases; 处置数: handled by <c>to</c> (and not sent back since);
/// 按期处置数: of those, last handled no later than <c>dueAt</c> (postponements count);</item>
/// <item>结案数: closed by <c>to</c>; 按期结案数: closed, and last handled no later than <c>dueAt</c>;</item>
/// <item>返工数: reworked (返工) at least once before <c>to</c>; 超期待处置数: not handled by <c>to</c> with
/// <c>dueAt</c> before <c>to</c>.</item>
/// </list>
/// 处置率 = 处置数/应处置数, 按期处置率 = 按期处置数/应处置数, 结案率 = 结案数/应结案数,
/// 按期结案率 = 按期结案数/应结案数, 返工率 = 返工数/应结案数, 超期待处置率 = 超期待处置数/应处置数.
/// </summary>
public static class KpiCalculator
{
    public static KpiReport Compute(IEnumerable<CaseSnapshot> cases, DateTimeOffset from, DateTimeOffset to, string? unit = null)
    {
        var rows = new List<(string Unit, KpiOutcome KpiOutcome)>();
        foreach (var c in cases)
        {
            var dispatch = c.History.FirstOrDefault(e => e.Type == "dispatch");
            if (dispatch is null || dispatch.At < from || dispatch.At >= to)
            {
                continue;
            }

            var owner = c.Unit ?? "(none)";
            if (unit is not null && owner != unit)
            {
                continue;
            }

            rows.Add((owner, Judge(c, to)));
        }

        var units = rows.GroupBy(r => r.Unit, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Sum(g.Key, g.Select(r => r.KpiOutcome)))
            .ToList();
        return new KpiReport(from, to, Sum(unit, rows.Select(r => r.KpiOutcome)), units);
    }

    private static KpiOutcome Judge(CaseSnapshot c, DateTimeOffset to)
    {
        var before = c.History.Where(e => e.At < to).ToList();
        if (before.Any(e => e.Type == "cancel"))
        {
            return new KpiOutcome(Cancelled: true, false, false, false, false, false, false);
        }

        var lastHandleOrRework = before.LastOrDefault(e => e.Type is "handle" or "rework");
        var handled = lastHandleOrRework?.Type == "handle";
        var onTime = handled && (c.DueAt is not { } due || lastHandleOrRework!.At <= due);
        var closed = before.Any(e => e.Type == "close");
        var reworked = before.Any(e => e.Type == "rework");
        var overdue = !handled && c.DueAt is { } dueAt && dueAt < to;
        return new KpiOutcome(false, handled, onTime, closed, closed && onTime, reworked, overdue);
    }

    private static UnitKpis Sum(string? unit, IEnumerable<KpiOutcome> outcomes)
    {
        int cancelled = 0, counted = 0, handled = 0, handledOnTime = 0, closed = 0, closedOnTime = 0, reworked = 0, overdue = 0;
        foreach (var o in outcomes)
        {
            if (o.Cancelled)
            {
                cancelled++;
                continue;
            }

            counted++;
            handled += o.Handled ? 1 : 0;
            handledOnTime += o.HandledOnTime ? 1 : 0;
            closed += o.Closed ? 1 : 0;
            closedOnTime += o.ClosedOnTime ? 1 : 0;
            reworked += o.Reworked ? 1 : 0;
            overdue += o.OverdueUnhandled ? 1 : 0;
        }

        return new UnitKpis(
            unit, counted + cancelled, counted, handled, handledOnTime, counted, closed, closedOnTime, reworked, overdue, cancelled,
            Rate(handled, counted), Rate(handledOnTime, counted), Rate(closed, counted), Rate(closedOnTime, counted),
            Rate(reworked, counted), Rate(overdue, counted));
    }

    private static double? Rate(int part, int whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);
}
