namespace CityOps.Rules;

public enum AlarmChangeKind
{
    /// <summary>Nothing for the caller to act on (also: reading ignored as stale).</summary>
    None,

    /// <summary>First reading beyond a threshold of a rule with <c>for:</c>; not yet a case.</summary>
    Pending,

    /// <summary>A new alarm: file a case.</summary>
    Raised,

    /// <summary>The active alarm reached a higher severity.</summary>
    Escalated,

    /// <summary>A new value for the active alarm, severity unchanged.</summary>
    Updated,

    /// <summary>The alarm ended.</summary>
    Cleared,
}
