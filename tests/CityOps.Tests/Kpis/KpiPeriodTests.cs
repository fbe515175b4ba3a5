using CityOps.Grains.Kpis;
using static CityOps.Tests.Kpis.NovemberCity;

namespace CityOps.Tests.Kpis;

/// <summary>The same November city (<see cref="NovemberCity"/>) in shorter periods, before they end, and under a city's variants.</summary>
public sealed class KpiPeriodTests
{
    private static readonly KpiOptions Options = new() { TimeZone = "UTC" };

    private static KpiRow Water(DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, KpiOptions? options = null) =>
        KpiCalculator.Compute(Month(), from, to, now, options ?? Options).Units.Single(u => u.Unit == NovemberCity.Water);

    // Week 47 (11-16 to 11-23), water: w9 (due 11-16 12:00, handled late), r2 (due 11-20 12:00, passed on unhandled),
    // and w4 carried over again (due in October, still unhandled). toHandle 3, carried 1, handled 1 (late), overdue 2.
    // Week 48 (11-23 to 11-30): only w4, carried over once more; r2 is roads' since 11-20, so it is not carried for water.
    [Fact]
    public void Overdue_cases_stay_in_later_weeks_while_the_unit_still_holds_them()
    {
        var week47 = Water(N(16, 0), N(23, 0), Now);
        Assert.Equal((3, 1, 1, 0, 2), (week47.ToHandle, week47.CarriedOver, week47.Handled, week47.HandledOnTime, week47.OverdueUnhandled));

        var week48 = Water(N(23, 0), N(30, 0), Now);
        Assert.Equal((1, 1, 0, 1), (week48.ToHandle, week48.CarriedOver, week48.Handled, week48.OverdueUnhandled));
    }

    // On 11-05 at 11:45 (the month so far): w1 due 11-02 (handled), w3 and w4 carried over (w3 handled 11-03). w2 is due
    // at 12:00, handled at 11:00 and sent back at 11:30: inside its deadline, so not yet counted, and not failed.
    // toHandle 3, handled 2 (w1 on time, w3 late), overdue 1 (w4).
    [Fact]
    public void A_case_still_inside_its_deadline_is_not_counted_yet()
    {
        var early = Water(From, To, N(5, 11.75));

        Assert.Equal((3, 2, 1, 1, 0), (early.ToHandle, early.Handled, early.HandledOnTime, early.OverdueUnhandled, early.Reworked));
    }

    [Fact]
    public void A_cut_off_at_the_deadline_counts_the_case_after_it_only()
    {
        // w1 is due 11-02 12:00: not in [11-01, 11-02 12:00), counted from then on.
        Assert.Equal(2, Water(From, N(2, 12), Now).ToHandle); // w3, w4
        Assert.Equal(3, Water(From, N(2, 12.001), Now).ToHandle);
    }

    // A case handled before its deadline counts, by default, in the period its deadline falls in; a city that counts it
    // when handled sees it once, in the earlier period.
    [Fact]
    public void Handled_early_counts_when_handled_only_where_the_city_says_so()
    {
        var early = new CaseScript("e1", GridA).Dispatch(N(30, 20), "east", N(31, 2)).Handle(N(30, 22)).Build();
        var december = (From: N(31, 0), To: N(61, 0));
        var byHandling = new KpiOptions { TimeZone = "UTC", CountHandledEarly = true };

        Assert.Equal(0, KpiCalculator.Compute([early], From, To, Now, Options).Overall.ToHandle);
        Assert.Equal(1, KpiCalculator.Compute([early], december.From, december.To, december.To, Options).Overall.HandledOnTime);
        Assert.Equal(1, KpiCalculator.Compute([early], From, To, Now, byHandling).Overall.HandledOnTime);
        Assert.Equal(0, KpiCalculator.Compute([early], december.From, december.To, december.To, byHandling).Overall.ToHandle);
    }

    // 返工率 over 应结案数 instead of 处置数: water 1/9 = 0.1111. Deferred cases out of 应结案数: lights 4 − 1 = 3,
    // 结案率 2/3 = 0.6667, 按期结案率 2/3.
    [Fact]
    public void A_city_may_count_rework_over_cases_to_close_and_leave_deferred_cases_out_of_them()
    {
        var options = new KpiOptions { TimeZone = "UTC", ReworkBase = "toClose", SubtractDeferredFromToClose = true };
        var report = KpiCalculator.Compute(Month(), From, To, Now, options);

        Assert.Equal(0.1111, report.Units.Single(u => u.Unit == NovemberCity.Water).ReworkRate);
        var lights = report.Units.Single(u => u.Unit == Lights);
        Assert.Equal((4, 3, 0.6667, 0.6667), (lights.ToHandle, lights.ToClose, lights.CloseRate, lights.OnTimeCloseRate));
    }

    // The workflow clears dueAt on 回退 (the desk holds the case again): a unit that sends a case back after its
    // deadline (the sweep's overdue entry at 12:01) keeps the failure; one that sends it back in time has nothing due.
    [Fact]
    public void A_case_returned_after_its_deadline_stays_the_units_failure()
    {
        var late = new CaseScript("b1", GridA).Dispatch(N(2, 8), Roads, N(2, 12)).Overdue(N(2, 12 + (1.0 / 60))).Return(N(2, 15)).Build();
        var inTime = new CaseScript("b2", GridA).Dispatch(N(3, 8), Roads, N(3, 12)).Return(N(3, 9)).Build();
        var passedOn = new CaseScript("b3", GridA).Dispatch(N(4, 8), Roads, N(4, 12)).Overdue(N(4, 12 + (1.0 / 60))).Return(N(4, 15))
            .Dispatch(N(4, 16), Lights, N(4, 20)).Handle(N(4, 19)).Build();
        Assert.Null(late.DueAt);

        var report = KpiCalculator.Compute([late, inTime, passedOn], From, To, Now, Options);

        var roads = report.Units.Single(u => u.Unit == Roads);
        Assert.Equal((3, 3, 2, 0, 2), (roads.Dispatched, roads.Returned, roads.ToHandle, roads.Handled, roads.OverdueUnhandled));
        var lights = report.Units.Single(u => u.Unit == Lights);
        Assert.Equal((1, 1, 1), (lights.ToHandle, lights.HandledOnTime, lights.Dispatched));
    }

    [Fact]
    public void A_resumed_case_is_overdue_again()
    {
        var resumed = new CaseScript("d2", GridB).Dispatch(N(26, 8), Lights, N(27, 8)).Defer(N(26, 12)).Resume(N(28, 9)).Build();

        var row = KpiCalculator.Compute([resumed], From, To, Now, Options).Overall;

        Assert.Equal((1, 0, 1), (row.ToHandle, row.Deferred, row.OverdueUnhandled));
    }

    [Fact]
    public void A_period_without_cases_has_no_rates()
    {
        var empty = KpiCalculator.Compute([], From, To, Now, Options).Overall;

        Assert.Equal(0, empty.ToHandle);
        Assert.Null(empty.CloseRate);
        Assert.Null(empty.DispatchAccuracy);
    }
}
