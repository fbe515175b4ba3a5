using CityOps.Grains;
using CityOps.Grains.Cases;
using CityOps.Grains.Routing;

namespace CityOps.Tests.Cases;

public sealed class CaseWorkflowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);

    // No routing file: the built-in calendar, here in UTC (in a running city, in CityOps:TimeZone).
    private static readonly RoutingTable Routing = new(WorkCalendar.Default.In(TimeZoneInfo.Utc), []);

    private static CaseOutcome Apply(CaseSnapshot current, CaseAction action, DateTimeOffset now) => CaseWorkflow.Apply(current, action, now, Routing);

    private static CaseSnapshot Escalate(CaseSnapshot current, Severity severity, RouteDecision route, DateTimeOffset at, string actor, string? note) =>
        CaseWorkflow.Escalate(current, severity, route, at, actor, note, Routing);

    private static CaseSnapshot Filed(string? unit = "water-east") => CaseWorkflow.File("c1", new CaseFiling(
        "0406", "道路积水 30 cm", Severity.Yellow, "WL-001", "waterlog-depth", 35.3, 113.9, "410702001001001", unit, 30, T0, "rule:waterlog-depth", null));

    private static CaseSnapshot Act(CaseSnapshot current, CaseActionKind action, string? unit = null, DateTimeOffset? dueAt = null)
    {
        var (next, error) = Apply(current, new CaseAction(action, unit, "note", "tester", dueAt, Supervisor: true), T0.AddHours(1));
        Assert.True(next is not null, error);
        return next;
    }

    [Fact]
    public void Filed_case_gets_category_code_type_and_limits_from_its_code_and_no_due_time_before_dispatch()
    {
        var filed = Filed();

        Assert.Equal(CaseStatus.Filed, filed.Status);
        Assert.Equal("道路积水", filed.Category);
        Assert.Equal(CodeType.Event, filed.CodeType);
        Assert.Equal(CaseSource.Iot, filed.Source);
        Assert.Null(filed.DueAt);
        Assert.Equal(TimeSpan.FromHours(4), filed.DueLimit);
        Assert.Equal(T0 + RoutingTable.DefaultDispatch, filed.DispatchDueAt);
        Assert.Equal("file", Assert.Single(filed.History).Type);
    }

    [Fact]
    public void Due_time_is_counted_from_dispatch_so_the_unit_never_pays_for_the_desks_queue()
    {
        var dispatched = Act(Filed(), CaseActionKind.Dispatch);

        Assert.Equal(T0.AddHours(1) + TimeSpan.FromHours(4), dispatched.DueAt);
    }

    [Fact]
    public void Full_workflow_records_every_step_with_actor_and_note()
    {
        var closed = Act(Act(Act(Act(Filed(), CaseActionKind.Dispatch), CaseActionKind.Handle), CaseActionKind.Verify), CaseActionKind.Close);

        Assert.Equal(CaseStatus.Closed, closed.Status);
        Assert.Equal(T0.AddHours(1), closed.ClosedAt);
        Assert.Equal(["file", "dispatch", "handle", "verify", "close"], closed.History.Select(e => e.Type));
        Assert.All(closed.History.Skip(1), e => Assert.Equal("tester", e.Actor));
        Assert.Equal(["filed", "dispatched", "handled", "verified"], closed.History.Skip(1).Select(e => e.From));
        Assert.Equal("unit water-east; note", closed.History[1].Note);
    }

    [Fact]
    public void Rework_sends_a_handled_case_back_to_dispatched()
    {
        var reworked = Act(Act(Act(Filed(), CaseActionKind.Dispatch), CaseActionKind.Handle), CaseActionKind.Rework);

        Assert.Equal(CaseStatus.Dispatched, reworked.Status);
        Assert.Equal("rework", reworked.History[^1].Type);
    }

    [Fact]
    public void Dispatch_uses_the_given_unit_over_the_routed_one()
    {
        Assert.Equal("roads-bureau", Act(Filed(), CaseActionKind.Dispatch, unit: "roads-bureau").Unit);
        Assert.Equal("water-east", Act(Filed(), CaseActionKind.Dispatch).Unit);
    }

    [Theory]
    [InlineData(CaseActionKind.Handle)]
    [InlineData(CaseActionKind.Verify)]
    [InlineData(CaseActionKind.Close)]
    [InlineData(CaseActionKind.Rework)]
    [InlineData(CaseActionKind.Reassign)]
    [InlineData(CaseActionKind.Return)]
    [InlineData(CaseActionKind.Resume)]
    public void Action_out_of_order_is_refused_with_the_reason(CaseActionKind action)
    {
        var (next, error) = Apply(Filed(), new CaseAction(action, "other-unit", null, "tester", null, Reason: "why", Supervisor: true), T0);

        Assert.Null(next);
        Assert.Contains("filed", error);
    }

    [Fact]
    public void Dispatch_without_any_unit_is_refused()
    {
        var (next, error) = Apply(Filed(unit: null), new CaseAction(CaseActionKind.Dispatch, null, null, "tester", null), T0);

        Assert.Null(next);
        Assert.Contains("no unit", error);
    }

    [Fact]
    public void Cancel_is_its_own_status_and_a_dispatcher_cancels_only_before_dispatch()
    {
        var cancelled = Apply(Filed(), new CaseAction(CaseActionKind.Cancel, null, null, "desk", null), T0).Case!;
        Assert.Equal(CaseStatus.Cancelled, cancelled.Status);
        Assert.Equal(("cancel", "filed", "cancelled"), (cancelled.History[^1].Type, cancelled.History[^1].From, cancelled.History[^1].To));

        var dispatched = Act(Filed(), CaseActionKind.Dispatch);
        var refused = Apply(dispatched, new CaseAction(CaseActionKind.Cancel, null, null, "desk", null), T0.AddHours(2));
        Assert.True(refused.Forbidden);
        Assert.Null(refused.Case);

        var bySupervisor = Apply(dispatched, new CaseAction(CaseActionKind.Cancel, null, null, "chief", null, Supervisor: true), T0.AddHours(2));
        Assert.Equal(CaseStatus.Cancelled, bySupervisor.Case!.Status);

        var (again, error) = Apply(cancelled, new CaseAction(CaseActionKind.Cancel, null, null, "tester", null, Supervisor: true), T0);
        Assert.Null(again);
        Assert.Contains("cancelled", error);
    }

    [Fact]
    public void Postpone_moves_the_deadline_only_forward_and_only_for_a_supervisor()
    {
        var dispatched = Act(Filed(), CaseActionKind.Dispatch);
        var later = Act(dispatched, CaseActionKind.Postpone, dueAt: dispatched.DueAt!.Value.AddHours(2));
        Assert.Equal(dispatched.DueAt.Value.AddHours(2), later.DueAt);
        Assert.Equal(CaseStatus.Dispatched, later.Status);
        Assert.False(later.Overdue);

        var (earlier, error) = Apply(dispatched, new CaseAction(CaseActionKind.Postpone, null, null, "tester", dispatched.DueAt.Value.AddHours(-1), Supervisor: true), T0);
        Assert.Null(earlier);
        Assert.NotNull(error);

        Assert.True(Apply(dispatched, new CaseAction(CaseActionKind.Postpone, null, null, "desk", dispatched.DueAt.Value.AddHours(2)), T0).Forbidden);
    }

    [Fact]
    public void Return_needs_a_reason_and_gives_the_case_back_to_the_desk_with_a_new_dispatch_limit()
    {
        var dispatched = Act(Filed(), CaseActionKind.Dispatch);
        var at = T0.AddHours(2);

        Assert.NotNull(Apply(dispatched, new CaseAction(CaseActionKind.Return, null, null, "water-east", null), at).Error);

        var returned = Apply(dispatched, new CaseAction(CaseActionKind.Return, null, null, "water-east", null, Reason: "not our pipe"), at).Case!;
        Assert.Equal(CaseStatus.Filed, returned.Status);
        Assert.Null(returned.DueAt);
        Assert.Equal(at + RoutingTable.DefaultDispatch, returned.DispatchDueAt);
        var entry = returned.History[^1];
        Assert.Equal(("return", "dispatched", "filed"), (entry.Type, entry.From, entry.To));
        Assert.Equal("returned by unit water-east; reason: not our pipe", entry.Note);
    }

    [Fact]
    public void Reassign_moves_the_case_to_another_unit_and_starts_its_deadline_again()
    {
        var dispatched = Act(Filed(), CaseActionKind.Dispatch);
        var at = T0.AddHours(3);

        var reassigned = Apply(dispatched, new CaseAction(CaseActionKind.Reassign, "roads-bureau", null, "desk", null), at).Case!;

        Assert.Equal("roads-bureau", reassigned.Unit);
        Assert.Equal(at + TimeSpan.FromHours(4), reassigned.DueAt);
        var entry = reassigned.History[^1];
        Assert.Equal(("reassign", "dispatched", "dispatched", "unit roads-bureau (was water-east)"), (entry.Type, entry.From, entry.To, entry.Note));
        Assert.NotNull(Apply(reassigned, new CaseAction(CaseActionKind.Reassign, "roads-bureau", null, "desk", null), at).Error);
    }

    [Fact]
    public void Postponement_asked_in_time_and_approved_moves_the_deadline_and_keeps_the_case_on_time()
    {
        var dispatched = Act(Filed(), CaseActionKind.Dispatch);
        var due = dispatched.DueAt!.Value;
        var asked = Apply(dispatched, new CaseAction(CaseActionKind.RequestPostpone, null, "pipe parts on order", "water-east", due.AddHours(24)), due.AddHours(-1)).Case!;
        Assert.Equal(due.AddHours(24), asked.PostponeRequestedTo);
        Assert.Equal(due, asked.DueAt);

        Assert.True(Apply(asked, new CaseAction(CaseActionKind.ApprovePostpone, null, null, "desk", null), due.AddHours(-0.5)).Forbidden);
        var approved = Apply(asked, new CaseAction(CaseActionKind.ApprovePostpone, null, null, "chief", null, Supervisor: true), due.AddHours(-0.5)).Case!;

        Assert.Equal(due.AddHours(24), approved.DueAt);
        Assert.False(approved.Overdue);
        Assert.Null(approved.PostponeRequestedTo);
        Assert.Equal(["request-postpone", "approve-postpone"], approved.History.TakeLast(2).Select(e => e.Type));
    }

    [Fact]
    public void Postponement_asked_after_the_deadline_cannot_make_the_case_on_time()
    {
        var dispatched = Act(Filed(), CaseActionKind.Dispatch);
        var due = dispatched.DueAt!.Value;
        var asked = Apply(dispatched, new CaseAction(CaseActionKind.RequestPostpone, null, null, "water-east", due.AddHours(24)), due.AddMinutes(10)).Case!;

        var approved = Apply(asked, new CaseAction(CaseActionKind.ApprovePostpone, null, null, "chief", null, Supervisor: true), due.AddMinutes(20)).Case!;

        Assert.True(approved.Overdue);
        Assert.Equal(due.AddHours(24), approved.DueAt);
    }

    [Fact]
    public void Rejected_postponement_leaves_the_deadline_and_clears_the_request()
    {
        var dispatched = Act(Filed(), CaseActionKind.Dispatch);
        var due = dispatched.DueAt!.Value;
        var asked = Apply(dispatched, new CaseAction(CaseActionKind.RequestPostpone, null, null, "water-east", due.AddHours(24)), T0.AddHours(2)).Case!;
        Assert.NotNull(Apply(asked, new CaseAction(CaseActionKind.RequestPostpone, null, null, "water-east", due.AddHours(48)), T0.AddHours(2)).Error);

        var rejected = Apply(asked, new CaseAction(CaseActionKind.RejectPostpone, null, "do it today", "chief", null, Supervisor: true), T0.AddHours(2)).Case!;

        Assert.Equal(due, rejected.DueAt);
        Assert.Null(rejected.PostponeRequestedTo);
        Assert.Equal("reject-postpone", rejected.History[^1].Type);
        Assert.NotNull(Apply(rejected, new CaseAction(CaseActionKind.ApprovePostpone, null, null, "chief", null, Supervisor: true), T0.AddHours(2)).Error);
    }

    [Fact]
    public void Deferred_case_is_out_of_the_overdue_sweep_and_resumes_with_its_deadline_moved_by_the_pause()
    {
        var dispatched = Act(Filed(), CaseActionKind.Dispatch);
        var due = dispatched.DueAt!.Value;
        var deferred = Apply(dispatched, new CaseAction(CaseActionKind.Defer, null, "budget next year", "chief", null, Supervisor: true), T0.AddHours(2)).Case!;
        Assert.Equal(CaseStatus.Deferred, deferred.Status);

        Assert.Null(CaseWorkflow.Tick(deferred, due.AddHours(10), TimeSpan.FromMinutes(30)));

        var resumed = Apply(deferred, new CaseAction(CaseActionKind.Resume, null, null, "chief", null, Supervisor: true), T0.AddHours(12)).Case!;
        Assert.Equal(CaseStatus.Dispatched, resumed.Status);
        Assert.Equal(due.AddHours(10), resumed.DueAt);
        Assert.Equal(["defer", "resume"], resumed.History.TakeLast(2).Select(e => e.Type));
    }

    [Fact]
    public void Supervise_records_its_level_and_needs_a_supervisor()
    {
        var dispatched = Act(Filed(), CaseActionKind.Dispatch);

        Assert.True(Apply(dispatched, new CaseAction(CaseActionKind.Supervise, null, null, "desk", null, Level: 2), T0).Forbidden);
        var supervised = Apply(dispatched, new CaseAction(CaseActionKind.Supervise, null, null, "chief", null, Level: 2, Supervisor: true), T0.AddHours(2)).Case!;

        Assert.Equal(2, supervised.SuperviseLevel);
        Assert.Equal(CaseStatus.Dispatched, supervised.Status);
        Assert.Equal(("supervise", "督办 level 2"), (supervised.History[^1].Type, supervised.History[^1].Note));
    }

    [Fact]
    public void Dispatch_and_verify_deadlines_are_swept_too()
    {
        var filed = Filed();
        var (late, kind) = CaseWorkflow.Tick(filed, filed.DispatchDueAt!.Value.AddSeconds(1), TimeSpan.FromMinutes(30))!.Value;
        Assert.Equal(CaseEventKind.Overdue, kind);
        Assert.True(late.DispatchOverdue);
        Assert.Contains("派遣时限", late.History[^1].Note);
        Assert.Null(CaseWorkflow.Tick(late, filed.DispatchDueAt!.Value.AddMinutes(5), TimeSpan.FromMinutes(30)));

        var handled = Act(Act(Filed() with { RuleId = null }, CaseActionKind.Dispatch), CaseActionKind.Handle);
        var (unverified, _) = CaseWorkflow.Tick(handled, handled.VerifyDueAt!.Value.AddSeconds(1), TimeSpan.FromMinutes(30))!.Value;
        Assert.True(unverified.VerifyOverdue);
        Assert.Contains("核查时限", unverified.History[^1].Note);
    }

    [Fact]
    public void Handle_deadline_sweep_supervises_at_level_one_unless_turned_off()
    {
        var dispatched = Act(Filed(), CaseActionKind.Dispatch);
        var after = dispatched.DueAt!.Value.AddSeconds(1);

        var (overdue, _) = CaseWorkflow.Tick(dispatched, after, TimeSpan.FromMinutes(30))!.Value;
        Assert.True(overdue.Overdue);
        Assert.Equal(1, overdue.SuperviseLevel);
        Assert.Equal(["overdue", "supervise"], overdue.History.TakeLast(2).Select(e => e.Type));

        var (quiet, _) = CaseWorkflow.Tick(dispatched, after, TimeSpan.FromMinutes(30), autoSupervise: false)!.Value;
        Assert.Equal(0, quiet.SuperviseLevel);
    }

    [Fact]
    public void Actor_acting_on_behalf_of_someone_is_recorded_with_the_name_only_in_the_note()
    {
        var dispatched = Apply(Filed(), new CaseAction(CaseActionKind.Dispatch, null, "urgent", "desk-key", null, OnBehalfOf: "admin-chief"), T0).Case!;

        var entry = dispatched.History[^1];
        Assert.Equal("desk-key", entry.Actor);
        Assert.Equal("unit water-east; urgent; on behalf of admin-chief", entry.Note);
    }

    [Theory]
    [InlineData("3205820102048188", null, CodeType.Component, "0102", "污水井盖")]
    [InlineData("0406", null, CodeType.Event, "0406", "道路积水")]
    [InlineData("0401", null, CodeType.Event, "0401", "路面塌陷")]
    [InlineData("0401", CodeType.Component, CodeType.Component, "0401", "园林绿化")]
    [InlineData("0118", null, CodeType.Component, "0118", "路灯")]
    [InlineData("2101", null, CodeType.Event, "2101", "渣土车偏离线路")]
    [InlineData("4107022101000001", null, CodeType.Component, "2101", "积水监测设备")]
    public void Codes_resolve_in_their_own_table(string code, CodeType? given, CodeType type, string expected, string category)
    {
        var book = CaseCodeBook.Standard;
        var resolved = book.Resolve(code, given);

        Assert.Equal((type, expected), resolved);
        Assert.Equal(category, book.Category(resolved.Type, resolved.Code));
    }

    [Fact]
    public void Red_flood_filed_friday_at_20_is_due_that_night_not_on_monday()
    {
        var routing = RoutingParser.Parse(File.ReadAllText(Path.Combine(CityOps.Tests.Infrastructure.RepoPaths.Root, "routing.yaml")), "routing.yaml", out var errors);
        Assert.Empty(errors);
        var china = TimeSpan.FromHours(8);
        var friday20 = new DateTimeOffset(2026, 7, 24, 20, 0, 0, china);
        var filing = new CaseFiling("0406", "下穿通道积水 60 cm", Severity.Red, "WL-1", "waterlog-depth", null, null, null, "drainage-co", 60, friday20, "rule:waterlog-depth", null);
        var filed = CaseWorkflow.File("flood", filing, routing.Decide("0406", null, "drainage-co", friday20, CodeType.Event, Severity.Red));

        var dispatched = CaseWorkflow.Apply(filed, new CaseAction(CaseActionKind.Dispatch, null, null, "desk", null), friday20.AddMinutes(10), routing).Case!;

        Assert.Equal(new DateTimeOffset(2026, 7, 24, 21, 10, 0, china), dispatched.DueAt);
        Assert.False(dispatched.DueWorking);
    }

    [Fact]
    public void Escalation_to_a_severity_with_a_shorter_limit_shortens_the_deadline_and_says_why()
    {
        var dispatched = Act(Filed(), CaseActionKind.Dispatch);
        Assert.Equal(T0.AddHours(5), dispatched.DueAt);
        var redRoute = new RouteDecision(null, TimeSpan.FromHours(1), false, T0, RoutingTable.DefaultVerify, false, RoutingTable.DefaultDispatch, T0);

        var escalated = Escalate(dispatched, Severity.Red, redRoute, T0.AddHours(1.5), "rule:waterlog-depth", "escalated to red at 52");

        Assert.Equal((Severity.Red, T0.AddHours(2), TimeSpan.FromHours(1)), (escalated.Severity, escalated.DueAt, escalated.DueLimit));
        var entry = escalated.History[^1];
        Assert.Equal(("severity", "yellow", "red"), (entry.Type, entry.From, entry.To));
        Assert.Equal("escalated to red at 52; 处置时限 shortened to 1h for red: due 2026-07-20T10:00:00.0000000+00:00", entry.Note);

        var longer = Escalate(dispatched, Severity.Orange, redRoute with { Deadline = TimeSpan.FromHours(8) }, T0.AddHours(1.5), "rule:waterlog-depth", null);
        Assert.Equal(dispatched.DueAt, longer.DueAt);
        Assert.Null(longer.History[^1].Note);
    }

    [Fact]
    public void Sensor_verifies_only_after_readings_cleared_the_alarm_not_when_it_merely_ended()
    {
        var handled = Act(Act(Filed(), CaseActionKind.Dispatch), CaseActionKind.Handle) with { AlarmActive = false };
        var at = T0.AddHours(2);
        var cleared = handled with { History = handled.History.Add(new HistoryEntry(at, "alarm", "active", "clear", "rule:waterlog-depth", "alarm cleared")) };
        var ended = handled with { History = handled.History.Add(new HistoryEntry(at, "alarm", "active", "ended", "rule:waterlog-depth", "rule removed")) };

        var (verified, kind) = CaseWorkflow.Tick(cleared, at.AddMinutes(31), TimeSpan.FromMinutes(30))!.Value;
        Assert.Equal((CaseEventKind.Verified, CaseStatus.Verified, "sensor:waterlog-depth"), (kind, verified.Status, verified.History[^1].Actor));

        Assert.Null(CaseWorkflow.SensorClearSince(ended));
        var (notVerified, _) = CaseWorkflow.Tick(ended, at.AddMinutes(31), TimeSpan.FromMinutes(30))!.Value;
        Assert.Equal(CaseStatus.Handled, notVerified.Status);
        Assert.True(notVerified.VerifyOverdue);
    }
}
