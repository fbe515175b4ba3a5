namespace CityOps.Rules.Testing;

/// <summary>What a rule test expects to happen to a case: it is raised, escalated to a higher severity, or its alarm clears.</summary>
public enum CaseEventKind
{
    Raised,
    Escalated,
    Cleared,
}
