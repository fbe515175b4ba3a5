namespace CityOps.Grains.Cases;

/// <summary>
/// What to do with an alarm that would raise a case: nothing (a silence holds: <see cref="SilencedBy"/>),
/// reopen the handled case of the same device and rule (<see cref="ReopenCaseId"/>), or file a new one.
/// </summary>
public sealed record CaseIntakeDecision(string? SilencedBy, string? ReopenCaseId)
{
    public static readonly CaseIntakeDecision NewCase = new(null, null);
}
