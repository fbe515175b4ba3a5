using CityOps.Grains;
using CityOps.Grains.Cases;
using CityOps.Grains.Kpis;
using CityOps.Grains.Routing;

namespace CityOps.Tests.Cases;

/// <summary>The indicators against a day worked out by hand (see the comments on each case).</summary>
public sealed class KpiCalculatorTests
{
    private static readonly DateTimeOffset D0 = new(2026, 7, 20, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset H(double hours) => D0.AddHours(hours);

    private static CaseSnapshot Case(string id, string unit, DateTimeOffset filed, DateTimeOffset due, params (string Action, DateTimeOffset At)[] steps)
    {
        var route = new RouteDecision(unit, due - filed, false, due, TimeSpan.FromHours(1), false, TimeSpan.FromMinutes(30), filed.AddMinutes(30));
        var c = CaseWorkflow.File(id, new CaseFiling("0406", "积水", "yellow", null, null, null, null, null, unit, null, filed, "inspector", null), route);
        foreach (var (action, at) in steps)
        {
            var (next, error) = CaseWorkflow.Apply(c, new CaseAction(Parse(action), null, null, "tester", null, Supervisor: true), at);
            c = next ?? throw new InvalidOperationException(error);
        }

        return c;
    }

    private static IReadOnlyList<CaseSnapshot> Day() =>
    [
        // water-east: handled and closed in time.
        Case("a1", "water-east", H(8), H(12), ("dispatch", H(8.1)), ("handle", H(10)), ("verify", H(10.5)), ("close", H(11))),
        // water-east: handled in time, reworked, handled again late, closed: reworked, neither on time.
        Case("a2", "water-east", H(9), H(13), ("dispatch", H(9.1)), ("handle", H(12)), ("rework", H(12.5)), ("handle", H(14)), ("verify", H(15)), ("close", H(15.5))),
        // water-east: never handled, due 14:00: overdue and waiting.
        Case("a3", "water-east", H(10), H(14), ("dispatch", H(10.1))),
        // water-east: cancelled (作废): counted apart, in no rate.
        Case("a4", "water-east", H(11), H(15), ("dispatch", H(11.1)), ("cancel", H(11.5))),
        // water-east: dispatched the day before: not in this period.
        Case("a5", "water-east", H(-20), H(-16), ("dispatch", H(-19)), ("handle", H(1))),
        // roads-bureau: handled in time, not yet closed.
        Case("b1", "roads-bureau", H(8), H(20), ("dispatch", H(8.5)), ("handle", H(9))),
        // roads-bureau: dispatched late in the day, due tomorrow: neither handled nor overdue.
        Case("b2", "roads-bureau", H(20), H(24.5), ("dispatch", H(20.5))),
        // filed but never dispatched: not counted.
        Case("c1", "roads-bureau", H(9), H(13)),
    ];

    [Fact]
    public void Indicators_per_unit_match_the_hand_computed_day()
    {
        var report = KpiCalculator.Compute(Day(), D0, D0.AddDays(1));

        Assert.Equal(["roads-bureau", "water-east"], report.Units.Select(u => u.Unit));
        var water = report.Units.Single(u => u.Unit == "water-east");
        Assert.Equal(
            new UnitKpis("water-east", Dispatched: 4, ToHandle: 3, Handled: 2, HandledOnTime: 1, ToClose: 3, Closed: 2, ClosedOnTime: 1,
                Reworked: 1, OverdueUnhandled: 1, Cancelled: 1,
                HandleRate: 0.6667, OnTimeHandleRate: 0.3333, CloseRate: 0.6667, OnTimeCloseRate: 0.3333, ReworkRate: 0.3333, OverdueRate: 0.3333),
            water);

        var roads = report.Units.Single(u => u.Unit == "roads-bureau");
        Assert.Equal(
            new UnitKpis("roads-bureau", 2, 2, 1, 1, 2, 0, 0, 0, 0, 0, 0.5, 0.5, 0, 0, 0, 0),
            roads);
    }

    [Fact]
    public void Overall_indicators_add_up_the_counts_not_the_rates()
    {
        var overall = KpiCalculator.Compute(Day(), D0, D0.AddDays(1)).Overall;

        Assert.Equal(new UnitKpis(null, 6, 5, 3, 2, 5, 2, 1, 1, 1, 1, 0.6, 0.4, 0.4, 0.2, 0.2, 0.2), overall);
    }

    [Fact]
    public void Unit_filter_and_an_earlier_cut_off_change_what_is_counted()
    {
        var roads = KpiCalculator.Compute(Day(), D0, D0.AddDays(1), "roads-bureau");
        Assert.Equal(["roads-bureau"], roads.Units.Select(u => u.Unit));
        Assert.Equal(2, roads.Overall.ToHandle);

        // At 12:15 a2 has been handled once (in time) and not yet reworked; a3 is not yet overdue.
        var noon = KpiCalculator.Compute(Day(), D0, H(12.25), "water-east").Overall;
        Assert.Equal((3, 2, 2, 1, 0, 0), (noon.ToHandle, noon.Handled, noon.HandledOnTime, noon.Closed, noon.Reworked, noon.OverdueUnhandled));
    }

    [Fact]
    public void Period_without_cases_has_no_rates()
    {
        var empty = KpiCalculator.Compute([], D0, D0.AddDays(1)).Overall;

        Assert.Equal(0, empty.ToHandle);
        Assert.Null(empty.CloseRate);
    }

    private static CaseActionKind Parse(string action) =>
        WireNames.TryParse<CaseActionKind>(action, out var kind) ? kind : throw new ArgumentException($"no action '{action}'", nameof(action));
}
