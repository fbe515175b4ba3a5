using CityOps.Grains;
using CityOps.Grains.Alarms;

namespace CityOps.Tests.Alarms;

/// <summary>Which actions an alarm allows in which state (409 otherwise), and what they change.</summary>
public sealed class AlarmActionsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);

    private static string? Refusal(AlarmActionKind action, AlarmDisposition disposition, AlarmStatus status = AlarmStatus.Active, bool acknowledged = false, bool closed = false) =>
        AlarmActions.Refusal(action, status, disposition, acknowledged, closed, "case-1");

    [Theory]
    [InlineData(AlarmActionKind.File, AlarmDisposition.Pending, true)]
    [InlineData(AlarmActionKind.File, AlarmDisposition.Filed, false)]
    [InlineData(AlarmActionKind.File, AlarmDisposition.Dismissed, false)]
    [InlineData(AlarmActionKind.File, AlarmDisposition.Maintenance, false)]
    [InlineData(AlarmActionKind.Dismiss, AlarmDisposition.Pending, true)]
    [InlineData(AlarmActionKind.Dismiss, AlarmDisposition.Filed, false)]
    [InlineData(AlarmActionKind.Dismiss, AlarmDisposition.Dismissed, false)]
    [InlineData(AlarmActionKind.Dismiss, AlarmDisposition.Maintenance, false)]
    [InlineData(AlarmActionKind.Close, AlarmDisposition.Maintenance, true)]
    [InlineData(AlarmActionKind.Close, AlarmDisposition.Pending, false)]
    [InlineData(AlarmActionKind.Acknowledge, AlarmDisposition.Pending, true)]
    [InlineData(AlarmActionKind.Acknowledge, AlarmDisposition.Maintenance, true)]
    public void Actions_are_allowed_by_disposition(AlarmActionKind action, AlarmDisposition disposition, bool allowed) =>
        Assert.Equal(allowed, Refusal(action, disposition) is null);

    [Fact]
    public void A_cleared_alarm_is_not_filed_but_may_be_acknowledged_and_dismissed()
    {
        Assert.Contains("cleared", Refusal(AlarmActionKind.File, AlarmDisposition.Pending, AlarmStatus.Cleared), StringComparison.Ordinal);
        Assert.Null(Refusal(AlarmActionKind.Dismiss, AlarmDisposition.Pending, AlarmStatus.Cleared));
        Assert.Null(Refusal(AlarmActionKind.Acknowledge, AlarmDisposition.Pending, AlarmStatus.Cleared));
    }

    [Fact]
    public void Acknowledging_twice_or_closing_twice_is_refused()
    {
        Assert.NotNull(Refusal(AlarmActionKind.Acknowledge, AlarmDisposition.Pending, acknowledged: true));
        Assert.NotNull(Refusal(AlarmActionKind.Close, AlarmDisposition.Maintenance, closed: true));
    }

    [Fact]
    public void Dismiss_keeps_its_reason_and_a_history_line()
    {
        var alarm = new AlarmSnapshot(
            "al-1", "WL-1", "depth", "waterlog", Severity.Blue, AlarmStatus.Cleared, 16, 18, T0, T0.AddMinutes(5), T0.AddMinutes(5),
            false, null, null, AlarmDisposition.Pending, null, null, false, null, false, null, null, null, null, "积水", null, null, [], []);

        var dismissed = AlarmActions.Apply(alarm, new AlarmAction(AlarmActionKind.Dismiss, "monitor-1", "checked the camera", "误报: 施工洒水"), T0.AddMinutes(9));

        Assert.Equal((AlarmDisposition.Dismissed, "误报: 施工洒水"), (dismissed.Disposition, dismissed.DismissReason));
        var entry = Assert.Single(dismissed.History);
        Assert.Equal(("dismissed", "pending", "monitor-1", "误报: 施工洒水; checked the camera"), (entry.Type, entry.From, entry.Actor, entry.Note));
        Assert.Equal(T0.AddMinutes(9), dismissed.UpdatedAt);
    }
}
