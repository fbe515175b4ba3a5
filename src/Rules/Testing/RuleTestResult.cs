namespace CityOps.Rules.Testing;

/// <summary>
/// The outcome of one rule test file: every failure as <c>file:line:column: message</c>, the alarm events the rules produced,
/// and the incident events (<see cref="Incidents"/>).
/// </summary>
public sealed record RuleTestResult(string File, ImmutableArray<RuleError> Failures, ImmutableArray<ExpectedCase> Produced)
{
    public ImmutableArray<ExpectedIncident> Incidents { get; init; } = [];

    public bool Passed => Failures.IsEmpty;
}
