namespace CityOps.Rules;

/// <summary>One problem in a rule file; <see cref="Line"/> and <see cref="Column"/> are 1-based.</summary>
public sealed record RuleError(string File, int Line, int Column, string Field, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Field}: {Message}";
}
