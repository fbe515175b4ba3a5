namespace CityOps.Rules.Testing;

/// <summary>
/// One case event, expected by a rule test or produced by the rules; <see cref="At"/> is the time since the test's start.
/// <see cref="SuppressedBy"/>: the rule whose alarm (on the device's parent, or a sensor fault on the device) suppresses the
/// alarm, on <c>raised</c> (raised suppressed) and <c>suppressed</c>; null otherwise. <see cref="SilencedBy"/>: the test's silence that
/// holds the alarm, on <c>raised</c> (raised silenced) and <c>suppressed</c> (another silence took it over); null otherwise.
/// </summary>
public sealed record ExpectedCase(TimeSpan At, string Device, string Rule, CaseEventKind Event, Severity Severity, string? SuppressedBy = null, string? SilencedBy = null)
{
    public override string ToString() =>
        $"{Durations.Format(At)} {Device} {Rule} {Event.ToString().ToLowerInvariant()}"
        + (Event is CaseEventKind.Raised or CaseEventKind.Escalated ? " " + SeverityNames.ToName(Severity) : "")
        + (SuppressedBy is null ? "" : (Event == CaseEventKind.Raised ? ", suppressed by " : " by ") + SuppressedBy)
        + (SilencedBy is null ? "" : (Event == CaseEventKind.Raised ? ", silenced by " : " by silence ") + SilencedBy);
}
