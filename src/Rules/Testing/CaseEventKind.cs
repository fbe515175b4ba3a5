namespace CityOps.Rules.Testing;

/// <summary>
/// What a rule test expects to happen to an alarm (and its case): it is raised, escalated to a higher severity, or clears;
/// it is suppressed after its raising (by a sensor fault or a parent's alarm raised later), or unsuppressed (its suppressor,
/// or its silence, ended first); it starts flapping (<see cref="Flapping"/>: its clears are held, its raises bring the same
/// alarm back), or stops after a quiet window while active (<see cref="Quiet"/>; a held, clear one is <see cref="Cleared"/>).
/// New members go last: the names are the wire form, the numbers are not stored.
/// </summary>
public enum CaseEventKind
{
    Raised,
    Escalated,
    Cleared,
    Suppressed,
    Unsuppressed,
    Flapping,
    Quiet,
}
