namespace CityOps.Rules;

/// <summary>The outcome of <see cref="RuleParser.Parse"/>: a rule set when there were no errors, otherwise every error found.</summary>
public sealed class RuleParseResult
{
    public RuleParseResult(RuleSet? ruleSet, ImmutableArray<RuleError> errors)
    {
        Errors = errors.IsDefault ? [] : errors;
        RuleSet = Errors.IsEmpty ? ruleSet : null;
    }

    /// <summary>Null whenever there is at least one error: a rule set is taken whole or not at all.</summary>
    public RuleSet? RuleSet { get; }

    public ImmutableArray<RuleError> Errors { get; }

    public bool Success => Errors.IsEmpty;
}
