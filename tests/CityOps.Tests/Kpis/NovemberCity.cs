using CityOps.Grains;

namespace CityOps.Tests.Kpis;

/// <summary>
/// A month of synthetic cases for three units, November 2026 (UTC), with two carried over from October. Each case
/// says what it tests; <see cref="KpiMonthTests"/> holds the tables worked out by hand from them.
/// Grids: 320582-110-152 (区 320582, 街道 320582110) for water's cases and the reassigned ones, 320582-111-001 for the
/// returned one, 320583-101-001 (区 320583) for the lights'. Deadlines: water 4 h, lights 24 h; 核查 1 h after handling.
/// </summary>
internal static class NovemberCity
{
    public const string Water = "water";
    public const string Roads = "roads";
    public const string Lights = "lights";
    public const string GridA = "320582110152001";
    public const string GridA2 = "320582111001001";
    public const string GridB = "320583101001001";

    public static readonly DateTimeOffset From = N(1, 0);
    public static readonly DateTimeOffset To = N(31, 0); // December 1st
    public static readonly DateTimeOffset Now = To.AddDays(2);

    /// <summary>November <paramref name="day"/> at <paramref name="hour"/> UTC (day 31 = December 1st, day 0 and below: October).</summary>
    public static DateTimeOffset N(int day, double hour) => new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).AddDays(day - 1).AddHours(hour);

    public static IReadOnlyList<CaseSnapshot> Month() =>
    [
        // w1: handled, verified and closed in time.
        new CaseScript("w1", GridA).Dispatch(N(2, 8), Water, N(2, 12)).Handle(N(2, 10)).Verify(N(2, 10.5)).Close(N(2, 11)).Build(),
        // w2: handled in time, verification fails (返工), handled again after the deadline: late, reworked.
        new CaseScript("w2", GridA).Dispatch(N(5, 8), Water, N(5, 12)).Handle(N(5, 11)).Rework(N(5, 11.5))
            .Handle(N(5, 14)).Verify(N(5, 14.5)).Close(N(5, 15)).Build(),
        // w3: due October 28 12:00, still unhandled on November 1st: carried over, handled (late) and closed in November.
        new CaseScript("w3", GridA).Dispatch(N(-3, 8), Water, N(-3, 12)).Handle(N(3, 9)).Verify(N(3, 9.5)).Close(N(3, 10)).Build(),
        // w4: due October 21, never handled: carried over into every later period, overdue each time.
        new CaseScript("w4", GridA).Dispatch(N(-11, 8), Water, N(-10, 8)).Build(),
        // w5: dispatched November 30 20:00, due December 1st 02:00: still inside its deadline at the month's end.
        new CaseScript("w5", GridA).Dispatch(N(30, 20), Water, N(31, 2)).Build(),
        // w6: postponement asked (11:00) and granted (11:30) before the deadline (12:00), to November 11 12:00: on time.
        new CaseScript("w6", GridA).Dispatch(N(10, 8), Water, N(10, 12)).RequestPostpone(N(10, 11)).ApprovePostpone(N(10, 11.5), N(11, 12))
            .Handle(N(11, 10)).Verify(N(11, 10.5)).Close(N(11, 11)).Build(),
        // w7: today's one-step postpone granted at 15:00, after the deadline (12:00): stays late.
        new CaseScript("w7", GridA).Dispatch(N(12, 8), Water, N(12, 12)).Postpone(N(12, 15), N(13, 12))
            .Handle(N(12, 18)).Verify(N(12, 18.5)).Close(N(12, 19)).Build(),
        // w8: asked at 11:00 (before 12:00), approved at 13:00: counts; handled November 15 09:00, in time.
        //     The verification comes at 11:00, one hour after its 10:00 limit: 核查 late.
        new CaseScript("w8", GridA).Dispatch(N(14, 8), Water, N(14, 12)).RequestPostpone(N(14, 11)).ApprovePostpone(N(14, 13), N(15, 12))
            .Handle(N(15, 9)).Verify(N(15, 11)).Close(N(15, 11.5)).Build(),
        // w9: asked at 13:00, after the deadline, approved at 14:00: does not count; handled 20:00, late; never verified.
        new CaseScript("w9", GridA).Dispatch(N(16, 8), Water, N(16, 12)).RequestPostpone(N(16, 13)).ApprovePostpone(N(16, 14), N(17, 12))
            .Handle(N(16, 20)).Build(),
        // r1: water has it one hour, reassigned (改派) to roads at 09:00, before water's 12:00 deadline: roads' case (due 13:00).
        new CaseScript("r1", GridA).Dispatch(N(18, 8), Water, N(18, 12)).Reassign(N(18, 9), Roads, N(18, 13))
            .Handle(N(18, 12.5)).Verify(N(18, 13)).Close(N(18, 13 + (1.0 / 6))).Build(),
        // r2: water lets its 12:00 deadline pass, reassigned at 15:00 to roads (due 19:00), who handle it at 18:00:
        //     water keeps the failure, roads are on time.
        new CaseScript("r2", GridA).Dispatch(N(20, 8), Water, N(20, 12)).Reassign(N(20, 15), Roads, N(20, 19))
            .Handle(N(20, 18)).Verify(N(20, 18.5)).Close(N(20, 19)).Build(),
        // r3: dispatched to roads, sent back (回退) at 08:30, dispatched again to lights at 09:00 (due November 23 09:00).
        new CaseScript("r3", GridA2).Dispatch(N(22, 8), Roads, N(22, 12)).Return(N(22, 8.5)).Dispatch(N(22, 9), Lights, N(23, 9))
            .Handle(N(23, 8)).Verify(N(23, 8.5)).Close(N(23, 9)).Build(),
        // c1: cancelled (作废) at 10:00, before its deadline: out of every rate.
        new CaseScript("c1", GridB).Dispatch(N(24, 8), Lights, N(25, 8)).Cancel(N(24, 10)).Build(),
        // c2: due November 7 08:00, never handled, cancelled November 9: the cancellation does not erase the overdue case.
        new CaseScript("c2", GridB).Dispatch(N(6, 8), Lights, N(7, 8)).Cancel(N(9, 10)).Build(),
        // c3: filed and cancelled on the desk, never dispatched: only 作废数.
        new CaseScript("c3", GridB, routedUnit: Lights).File(N(8, 9)).Cancel(N(8, 10)).Build(),
        // c4: overdue in October, cancelled October 30: not carried into November.
        new CaseScript("c4", GridB).Dispatch(N(-6, 8), Lights, N(-5, 8)).Cancel(N(-1, 10)).Build(),
        // d1: deferred (挂账/缓办) after dispatch, still deferred at the month's end: counted, but not overdue.
        new CaseScript("d1", GridB).Dispatch(N(26, 8), Lights, N(27, 8)).Defer(N(26, 12)).Build(),
        // l1: handled 07:00, verified by the sensor at 07:40 (limit 08:00), closed: all in time.
        new CaseScript("l1", GridB).Dispatch(N(3, 20), Lights, N(4, 20)).Handle(N(4, 7)).Verify(N(4, 7 + (2.0 / 3)), "sensor:streetlight-dark")
            .Close(N(4, 9)).Build(),
    ];
}
