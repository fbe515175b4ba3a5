using System.Collections.Immutable;

namespace CityOps.Rules.Testing;

/// <summary>The outcome of one rule test file: every failure as <c>file:line:column: message</c>, and the events the rules produced.</summary>
public sealed record RuleTestResult(string File, ImmutableArray<RuleError> Failures, ImmutableArray<ExpectedCase> Produced)
{
    public bool Passed => Failures.IsEmpty;
}
