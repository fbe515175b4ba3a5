namespace CityOps.Rules;

/// <summary>
/// One rung of a rule's severity ladder. <see cref="Threshold"/> is <see cref="double.NaN"/> for a level
/// written without <c>above:</c>/<c>below:</c> (offline rules and rules decided by <c>where:</c> and friends).
/// </summary>
public sealed record Level(Severity Severity, double Threshold)
{
    public bool HasThreshold => !double.IsNaN(Threshold);
}
