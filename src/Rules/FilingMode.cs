namespace CityOps.Rules;

/// <summary>What a rule's alarm does about a case (<c>case.file:</c>): file at once, wait for a person, or never.</summary>
public enum FilingMode
{
    Auto = 0,
    Confirm = 1,
    Never = 2,
}
