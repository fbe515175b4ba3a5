namespace CityOps.Rules;

/// <summary>
/// The alarm state of one rule on one device. A plain mutable class so the device grain can copy it into its
/// persisted state; only <see cref="RuleEvaluator"/> should change it. After a clear, <see cref="Severity"/>,
/// <see cref="Peak"/> and <see cref="ActiveSince"/> still describe the alarm that just ended, until the next one starts.
/// </summary>
public sealed class AlarmState
{
    public AlarmPhase Phase { get; set; }

    public DateTimeOffset? PendingSince { get; set; }

    public DateTimeOffset? ActiveSince { get; set; }

    public DateTimeOffset? ClearingSince { get; set; }

    /// <summary>The highest severity reached while active; never falls while the alarm lasts.</summary>
    public Severity Severity { get; set; }

    /// <summary>The level the last evaluated value is at (<see cref="Severity.None"/> when inside every threshold).</summary>
    public Severity CurrentLevel { get; set; }

    /// <summary>The most extreme value while active: the maximum for <c>above</c> rules, the minimum for <c>below</c>.</summary>
    public double? Peak { get; set; }

    public double? LastValue { get; set; }

    /// <summary>Timestamp of the last reading evaluated; readings at or before it are ignored.</summary>
    public DateTimeOffset? LastEvaluated { get; set; }

    /// <summary>Consecutive matching readings so far, for rules with <c>count:</c>.</summary>
    public int Matches { get; set; }

    /// <summary>For <c>predict:</c> rules: minutes until the fitted line reaches its value, at the last reading (<c>{eta}</c>); else null.</summary>
    public double? Eta { get; set; }

    public bool IsActive => Phase is AlarmPhase.Active or AlarmPhase.Clearing;

    public void Reset()
    {
        Phase = AlarmPhase.Idle;
        PendingSince = ActiveSince = ClearingSince = LastEvaluated = null;
        Severity = CurrentLevel = Severity.None;
        Peak = LastValue = Eta = null;
        Matches = 0;
    }
}
