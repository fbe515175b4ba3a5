namespace CityOps.Rules.Testing;

/// <summary>
/// What a rule test expects to happen to an alarm (and its case): it is raised, escalated to a higher severity, or clears;
/// it is suppressed after its raising (by a sensor fault raised later), or unsuppressed (its suppressor cleared first).
/// </summary>
public enum CaseEventKind
{
    Raised,
    Escalated,
    Cleared,
    Suppressed,
    Unsuppressed,
}
