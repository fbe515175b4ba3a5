namespace CityOps.Grains.Cases;

/// <summary>What the workflow made of an action: the changed case, or why not (<see cref="Forbidden"/>: it needs a supervisor).</summary>
public readonly record struct CaseOutcome(CaseSnapshot? Case, string? Error, bool Forbidden = false)
{
    public void Deconstruct(out CaseSnapshot? next, out string? error)
    {
        next = Case;
        error = Error;
    }

    public static CaseOutcome Refused(string error) => new(null, error);

    public static CaseOutcome NeedsSupervisor(string error) => new(null, error, Forbidden: true);
}
