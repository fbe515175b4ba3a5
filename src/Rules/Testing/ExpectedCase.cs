namespace CityOps.Rules.Testing;

/// <summary>One case event, expected by a rule test or produced by the rules; <see cref="At"/> is the time since the test's start.</summary>
public sealed record ExpectedCase(TimeSpan At, string Device, string Rule, CaseEventKind Event, Severity Severity)
{
    public override string ToString() =>
        $"{Durations.Format(At)} {Device} {Rule} {Event.ToString().ToLowerInvariant()}{(Event == CaseEventKind.Cleared ? "" : " " + SeverityNames.ToName(Severity))}";
}
