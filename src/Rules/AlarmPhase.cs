namespace CityOps.Rules;

public enum AlarmPhase
{
    /// <summary>Nothing wrong, or the last alarm cleared.</summary>
    Idle,

    /// <summary>Beyond a threshold, waiting for the rule's <c>for:</c> to pass.</summary>
    Pending,

    /// <summary>Raised: a case is open for it.</summary>
    Active,

    /// <summary>Raised, back inside the clear line, waiting for <c>clear.for</c> to pass.</summary>
    Clearing,
}
