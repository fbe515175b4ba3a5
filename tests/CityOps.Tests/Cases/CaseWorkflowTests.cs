using CityOps.Grains;
using CityOps.Grains.Cases;

namespace CityOps.Tests.Cases;

public sealed class CaseWorkflowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);

    private static CaseSnapshot Filed(string? unit = "water-east") => CaseWorkflow.File("c1", new CaseFiling(
        "0406", "道路积水 30 cm", "yellow", "WL-001", "waterlog-depth", 35.3, 113.9, "410702001001001", unit, 30, T0, "rule:waterlog-depth", null));

    private static CaseSnapshot Act(CaseSnapshot current, string action, string? unit = null, DateTimeOffset? dueAt = null)
    {
        var (next, error) = CaseWorkflow.Apply(current, new CaseAction(action, unit, "note", "tester", dueAt), T0.AddHours(1));
        Assert.True(next is not null, error);
        return next;
    }

    [Fact]
    public void Filed_case_gets_category_and_deadline_from_its_code()
    {
        var filed = Filed();

        Assert.Equal("filed", filed.Status);
        Assert.Equal("道路积水", filed.Category);
        Assert.Equal(T0.AddHours(4), filed.DueAt);
        Assert.Equal("file", Assert.Single(filed.History).Type);
    }

    [Fact]
    public void Full_workflow_records_every_step_with_actor_and_note()
    {
        var closed = Act(Act(Act(Act(Filed(), "dispatch"), "handle"), "verify"), "close");

        Assert.Equal("closed", closed.Status);
        Assert.Equal(T0.AddHours(1), closed.ClosedAt);
        Assert.Equal(["file", "dispatch", "handle", "verify", "close"], closed.History.Select(e => e.Type));
        Assert.All(closed.History.Skip(1), e => Assert.Equal("tester", e.Actor));
        Assert.Equal(["filed", "dispatched", "handled", "verified"], closed.History.Skip(1).Select(e => e.From));
    }

    [Fact]
    public void Rework_sends_a_handled_case_back_to_dispatched()
    {
        var reworked = Act(Act(Act(Filed(), "dispatch"), "handle"), "rework");

        Assert.Equal("dispatched", reworked.Status);
        Assert.Equal("rework", reworked.History[^1].Type);
    }

    [Fact]
    public void Dispatch_uses_the_given_unit_over_the_routed_one()
    {
        Assert.Equal("roads-bureau", Act(Filed(), "dispatch", unit: "roads-bureau").Unit);
        Assert.Equal("water-east", Act(Filed(), "dispatch").Unit);
    }

    [Theory]
    [InlineData("handle")]
    [InlineData("verify")]
    [InlineData("close")]
    [InlineData("rework")]
    public void Action_out_of_order_is_refused_with_the_reason(string action)
    {
        var (next, error) = CaseWorkflow.Apply(Filed(), new CaseAction(action, null, null, "tester", null), T0);

        Assert.Null(next);
        Assert.Contains("filed", error);
    }

    [Fact]
    public void Dispatch_without_any_unit_is_refused()
    {
        var (next, error) = CaseWorkflow.Apply(Filed(unit: null), new CaseAction("dispatch", null, null, "tester", null), T0);

        Assert.Null(next);
        Assert.Contains("no unit", error);
    }

    [Fact]
    public void Cancel_closes_any_open_case_but_not_a_closed_one()
    {
        var cancelled = Act(Act(Filed(), "dispatch"), "cancel");
        Assert.Equal("closed", cancelled.Status);
        Assert.Equal("cancel", cancelled.History[^1].Type);

        var (again, error) = CaseWorkflow.Apply(cancelled, new CaseAction("cancel", null, null, "tester", null), T0);
        Assert.Null(again);
        Assert.NotNull(error);
    }

    [Fact]
    public void Postpone_moves_the_deadline_only_forward()
    {
        var filed = Filed();
        var later = Act(filed, "postpone", dueAt: filed.DueAt!.Value.AddHours(2));
        Assert.Equal(filed.DueAt.Value.AddHours(2), later.DueAt);
        Assert.Equal("filed", later.Status);

        var (earlier, error) = CaseWorkflow.Apply(filed, new CaseAction("postpone", null, null, "tester", filed.DueAt.Value.AddHours(-1)), T0);
        Assert.Null(earlier);
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("3205820102048188", "0102")]
    [InlineData("0406", "0406")]
    [InlineData("2101", "2101")]
    public void Component_id_normalises_to_its_class_code(string code, string expected) =>
        Assert.Equal(expected, CaseCodes.Normalize(code));
}
