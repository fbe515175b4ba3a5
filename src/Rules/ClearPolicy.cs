namespace CityOps.Rules;

/// <summary>
/// When an active alarm clears: the value must be back past the least severe threshold by
/// <paramref name="Hysteresis"/> and stay there for <paramref name="For"/>, so a value hovering
/// around the threshold does not open and close cases over and over.
/// </summary>
public sealed record ClearPolicy(double Hysteresis, TimeSpan For)
{
    /// <summary>No hysteresis, cleared by the first reading back inside.</summary>
    public static ClearPolicy Immediate { get; } = new(0, TimeSpan.Zero);
}
