namespace CityOps.Rules.Testing;

/// <summary>What a rule test expects of an incident: it opens, or it clears (its last member cleared).</summary>
public enum IncidentEventKind
{
    Opened,
    Cleared,
}

/// <summary>
/// One incident event, expected by a rule test or produced by the rules; <see cref="At"/> is the time since the test's start.
/// On <c>opened</c>, <see cref="Count"/> is the alarms that formed it and <see cref="Severity"/> the worst of them; on
/// <c>cleared</c>, every alarm that was a member and the worst severity it reached.
/// </summary>
public sealed record ExpectedIncident(TimeSpan At, string Incident, string Group, IncidentEventKind Event, int Count, Severity Severity)
{
    public override string ToString() =>
        $"{Durations.Format(At)} incident {Incident} {Group} {Event.ToString().ToLowerInvariant()}, {Count} alarm{(Count == 1 ? "" : "s")}, {SeverityNames.ToName(Severity)}";
}
