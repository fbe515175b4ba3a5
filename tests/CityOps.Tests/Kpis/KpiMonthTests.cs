using CityOps.Grains.Kpis;
using static CityOps.Tests.Kpis.NovemberCity;

namespace CityOps.Tests.Kpis;

/// <summary>
/// November 2026 (<see cref="NovemberCity"/>) counted by hand, as the month stands on December 1st (the report is
/// asked for on December 3rd). Each unit's table lists, per case, what it adds; the rows below are the sums.
/// </summary>
public sealed class KpiMonthTests
{
    private static readonly KpiOptions Options = new() { TimeZone = "UTC" };

    private static KpiReport November(KpiOptions? options = null, KpiScope? scope = null) =>
        KpiCalculator.Compute(Month(), From, To, Now, options ?? Options, scope);

    private static KpiRow Row(KpiReport report, string unit) => report.Units.Single(u => u.Unit == unit);

    // water, case by case (D = the deadline as counted; H = the handling that stands; V = 核查 limit = handling + 1 h):
    //   w1  dispatched  D 11-02 12:00  H 10:00 on time   closed on time          verify 10:30 ≤ 11:00        1/1
    //   w2  dispatched  D 11-05 12:00  H 14:00 late       closed late, reworked   verify 11:30 (the rework) ≤ 12:00, 14:30 ≤ 15:00   2/2
    //   w3  carried     D 10-28 12:00  H 11-03 09:00 late closed late            verify 09:30 ≤ 10:00        1/1
    //   w4  carried     D 10-21 08:00  unhandled: overdue
    //   w5  dispatched  D 12-01 02:00  not yet due: not counted
    //   w6  dispatched  D 11-11 12:00 (postponed in time)  H 11-11 10:00 on time  closed on time   verify 10:30   1/1   postponed 1
    //   w7  dispatched  D 11-12 12:00 (postponed at 15:00: too late)  H 18:00 late  closed late  verify 18:30  1/1   postponed 1
    //   w8  dispatched  D 11-15 12:00 (asked 11:00, in time) H 11-15 09:00 on time  closed on time  verify 11:00 > 10:00  0/1  postponed 1
    //   w9  dispatched  D 11-16 12:00 (asked 13:00: too late) H 20:00 late  not closed  never verified  0/1   postponed 1
    //   r1  dispatched, reassigned at 09:00 before D 12:00: not water's to handle
    //   r2  dispatched  D 11-20 12:00, reassigned at 15:00 after it, unhandled by water: overdue
    // dispatched 9 (w1 w2 w5 w6 w7 w8 w9 r1 r2), reassigned 2, returned 0, postponed 4
    // toHandle 9 (w1 w2 w3 w4 w6 w7 w8 w9 r2), of which carried over 2 (w3 w4)
    // handled 7 (w1 w2 w3 w6 w7 w8 w9), on time 3 (w1 w6 w8); closed 6 (w1 w2 w3 w6 w7 w8), on time 3 (w1 w6 w8)
    // reworked 1 (w2); overdue unhandled 2 (w4 r2); toVerify 8, on time 6
    // 处置率 7/9 = 0.7778  按期处置率 3/9 = 0.3333  结案率 6/9 = 0.6667  按期结案率 3/9 = 0.3333  返工率 1/7 = 0.1429
    // 超期未处置率 2/9 = 0.2222  派遣准确率 1 − 2/9 = 0.7778  按时核查率 6/8 = 0.75  延期率 4/9 = 0.4444
    [Fact]
    public void Water_counts_carry_over_postponements_asked_in_time_and_keeps_the_failure_it_passed_on()
    {
        Assert.Equal(
            new KpiRow(Water, null, null, Dispatched: 9, Returned: 0, Reassigned: 2, Postponed: 4, ToHandle: 9, CarriedOver: 2,
                Handled: 7, HandledOnTime: 3, ToClose: 9, Closed: 6, ClosedOnTime: 3, Reworked: 1, OverdueUnhandled: 2, Deferred: 0,
                Cancelled: 0, ToVerify: 8, VerifiedOnTime: 6,
                HandleRate: 0.7778, OnTimeHandleRate: 0.3333, CloseRate: 0.6667, OnTimeCloseRate: 0.3333, ReworkRate: 0.1429,
                OverdueRate: 0.2222, DispatchAccuracy: 0.7778, OnTimeVerifyRate: 0.75, PostponeRate: 0.4444),
            Row(November(), Water));
    }

    // roads:
    //   r1  reassigned in 11-18 09:00  D 13:00  H 12:30 on time  closed on time  verify 13:00 ≤ 13:30  1/1
    //   r2  reassigned in 11-20 15:00  D 19:00  H 18:00 on time  closed on time  verify 18:30 ≤ 19:00  1/1
    //   r3  dispatched 11-22 08:00, returned 08:30 before its deadline: not roads' to handle
    // dispatched 3, returned 1; toHandle 2, handled 2 (2 on time), closed 2 (2 on time); toVerify 2, on time 2
    // 派遣准确率 1 − 1/3 = 0.6667, 返工率 0/2 = 0, 延期率 0/3 = 0, every other rate 1
    [Fact]
    public void Roads_get_the_reassigned_cases_with_their_new_deadlines_and_lose_accuracy_for_the_return()
    {
        Assert.Equal(
            new KpiRow(Roads, null, null, 3, 1, 0, 0, 2, 0, 2, 2, 2, 2, 2, 0, 0, 0, 0, 2, 2,
                1, 1, 1, 1, 0, 0, 0.6667, 1, 0),
            Row(November(), Roads));
    }

    // lights:
    //   r3  dispatched 11-22 09:00  D 11-23 09:00  H 08:00 on time  closed on time  verify 08:30 ≤ 09:00  1/1
    //   c1  dispatched, cancelled 11-24 10:00 before D 11-25 08:00: out of every rate, 作废 1
    //   c2  dispatched  D 11-07 08:00  unhandled, cancelled 11-09 after it: counted, overdue, never 结案; 作废 1
    //   c3  cancelled on the desk (never dispatched): 作废 1
    //   c4  overdue in October, cancelled October 30: not carried over
    //   d1  dispatched  D 11-27 08:00  deferred since 11-26 12:00: counted, deferred, not overdue
    //   l1  dispatched  D 11-04 20:00  H 07:00 on time  closed on time  sensor verify 07:40 ≤ 08:00  1/1
    // dispatched 5 (r3 c1 c2 d1 l1); toHandle 4 (r3 c2 d1 l1); handled 2 (on time 2); closed 2 (on time 2)
    // overdue 1 (c2); deferred 1 (d1); cancelled 3; toVerify 2, on time 2
    // 处置率 2/4 = 0.5 (so 按期处置率, 结案率, 按期结案率), 返工率 0/2, 超期未处置率 1/4 = 0.25, 派遣准确率 1, 按时核查率 1, 延期率 0
    [Fact]
    public void Lights_keep_a_case_cancelled_after_its_deadline_and_do_not_count_a_deferred_one_overdue()
    {
        Assert.Equal(
            new KpiRow(Lights, null, null, 5, 0, 0, 0, 4, 0, 2, 2, 4, 2, 2, 0, 1, 1, 3, 2, 2,
                0.5, 0.5, 0.5, 0.5, 0, 0.25, 1, 1, 0),
            Row(November(), Lights));
    }

    // overall = the sums of the three tables (not the mean of their rates):
    // dispatched 9+3+5 = 17, returned 1, reassigned 2, postponed 4, toHandle 9+2+4 = 15, carried 2, handled 7+2+2 = 11,
    // on time 3+2+2 = 7, closed 6+2+2 = 10, on time 7, reworked 1, overdue 2+0+1 = 3, deferred 1, cancelled 3,
    // toVerify 8+2+2 = 12, on time 6+2+2 = 10.
    // 11/15 = 0.7333, 7/15 = 0.4667, 10/15 = 0.6667, 7/15 = 0.4667, 1/11 = 0.0909, 3/15 = 0.2, 1 − 3/17 = 0.8235,
    // 10/12 = 0.8333, 4/17 = 0.2353
    [Fact]
    public void Overall_adds_up_the_counts()
    {
        var report = November();

        Assert.Equal([Lights, Roads, Water], report.Units.Select(u => u.Unit));
        Assert.Equal(
            new KpiRow(null, null, null, 17, 1, 2, 4, 15, 2, 11, 7, 15, 10, 7, 1, 3, 1, 3, 12, 10,
                0.7333, 0.4667, 0.6667, 0.4667, 0.0909, 0.2, 0.8235, 0.8333, 0.2353),
            report.Overall);
        Assert.Equal(To, report.AsOf);
    }

    // 区 by the first 6 digits of the grid: 320583 holds c1 c2 c3 d1 l1 (lights without r3): dispatched 4, toHandle 3
    // (c2 d1 l1), handled 1 on time, closed 1 on time, overdue 1, deferred 1, cancelled 3, toVerify 1 on time 1.
    // 320582 holds the rest: dispatched 17 − 4 = 13, returned 1, reassigned 2, postponed 4, toHandle 12, carried 2,
    // handled 10 (on time 6), closed 9 (on time 6), reworked 1, overdue 2, toVerify 11 (on time 9).
    // 街道 320582111 holds r3 alone: roads' returned spell and lights' handled one.
    [Fact]
    public void Districts_and_streets_are_grid_code_prefixes()
    {
        var districts = November(scope: new KpiScope(Levels: ["district"]));
        Assert.Equal(["320582", "320583"], districts.Areas!.Select(a => a.Area));
        Assert.All(districts.Areas!, a => Assert.Equal("district", a.Level));
        Assert.Equal(
            new KpiRow(null, "320583", "district", 4, 0, 0, 0, 3, 0, 1, 1, 3, 1, 1, 0, 1, 1, 3, 1, 1,
                0.3333, 0.3333, 0.3333, 0.3333, 0, 0.3333, 1, 1, 0),
            districts.Areas![1]);
        var a = districts.Areas![0];
        Assert.Equal((13, 1, 2, 4, 12, 2, 10, 6, 9, 6, 1, 2, 11, 9),
            (a.Dispatched, a.Returned, a.Reassigned, a.Postponed, a.ToHandle, a.CarriedOver, a.Handled, a.HandledOnTime,
             a.Closed, a.ClosedOnTime, a.Reworked, a.OverdueUnhandled, a.ToVerify, a.VerifiedOnTime));

        var street = November(scope: new KpiScope(Levels: ["street"])).Areas!.Single(s => s.Area == "320582111");
        Assert.Equal((2, 1, 1, 1, 1, 0.5), (street.Dispatched, street.Returned, street.ToHandle, street.Handled, street.ClosedOnTime, street.DispatchAccuracy));

        var filtered = November(scope: new KpiScope(Grid: "320583"));
        Assert.Equal([Lights], filtered.Units.Select(u => u.Unit));
        Assert.Equal(3, filtered.Overall.ToHandle);
    }

    [Fact]
    public void Unit_filter_keeps_that_units_spells_only()
    {
        var roads = November(scope: new KpiScope(Unit: Roads));

        Assert.Equal([Roads], roads.Units.Select(u => u.Unit));
        Assert.Equal(Row(November(), Roads) with { Unit = Roads }, roads.Overall with { Unit = Roads });
    }
}
