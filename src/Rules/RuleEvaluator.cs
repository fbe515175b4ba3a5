namespace CityOps.Rules;

/// <summary>
/// The alarm state machine, Idle → Pending → Active ⇄ Clearing → Idle, driven by reading timestamps rather than the
/// wall clock so that replays and backtests behave exactly like live traffic. Pure and allocation-free: it only
/// reads the rule and mutates the given <see cref="AlarmState"/>.
/// </summary>
public static class RuleEvaluator
{
    /// <summary>
    /// Judges one value of <see cref="Rule.Metric"/> read at <paramref name="at"/>. Rules that are not
    /// <see cref="Rule.IsEvaluable"/>, non-finite values and readings at or before <see cref="AlarmState.LastEvaluated"/>
    /// return <see cref="AlarmChangeKind.None"/> and leave the state untouched.
    /// </summary>
    /// <param name="thresholdOffset">Added to every threshold of the ladder (room for per-device overrides); 0 today.</param>
    public static AlarmChange Evaluate(Rule rule, AlarmState state, DateTimeOffset at, double value, double thresholdOffset = 0)
    {
        if (!rule.IsEvaluable || !double.IsFinite(value) || (state.LastEvaluated is { } last && at <= last))
        {
            return new AlarmChange(AlarmChangeKind.None, Severity.None, value, at);
        }

        state.LastEvaluated = at;
        state.LastValue = value;
        var above = rule.Direction == ThresholdDirection.Above;
        var level = LevelOf(rule, above, value, thresholdOffset);
        state.CurrentLevel = level;

        switch (state.Phase)
        {
            case AlarmPhase.Idle:
                if (level == Severity.None)
                {
                    return new AlarmChange(AlarmChangeKind.None, Severity.None, value, at);
                }

                if (rule.For <= TimeSpan.Zero)
                {
                    return Raise(state, level, at, value);
                }

                state.Phase = AlarmPhase.Pending;
                state.PendingSince = at;
                state.Severity = Severity.None;
                state.Peak = null;
                state.ActiveSince = state.ClearingSince = null;
                return new AlarmChange(AlarmChangeKind.Pending, level, value, at);

            case AlarmPhase.Pending:
                if (level == Severity.None)
                {
                    state.Phase = AlarmPhase.Idle;
                    state.PendingSince = null;
                    return new AlarmChange(AlarmChangeKind.None, Severity.None, value, at);
                }

                return at - (state.PendingSince ?? at) >= rule.For
                    ? Raise(state, level, at, value)
                    : new AlarmChange(AlarmChangeKind.None, Severity.None, value, at);

            default:
                var peak = state.Peak ?? value;
                state.Peak = above ? Math.Max(peak, value) : Math.Min(peak, value);

                // The clear line is inclusive so that with no hysteresis "no longer beyond the threshold" clears.
                var clearLine = rule.Levels[0].Threshold + thresholdOffset + (above ? -rule.Clear.Hysteresis : rule.Clear.Hysteresis);
                if (above ? value <= clearLine : value >= clearLine)
                {
                    if (state.Phase != AlarmPhase.Clearing || state.ClearingSince is null)
                    {
                        state.Phase = AlarmPhase.Clearing;
                        state.ClearingSince = at;
                    }

                    if (at - state.ClearingSince.Value >= rule.Clear.For)
                    {
                        state.Phase = AlarmPhase.Idle;
                        state.PendingSince = state.ClearingSince = null;
                        return new AlarmChange(AlarmChangeKind.Cleared, state.Severity, value, at);
                    }

                    return new AlarmChange(AlarmChangeKind.Updated, state.Severity, value, at);
                }

                state.Phase = AlarmPhase.Active;
                state.ClearingSince = null;
                if (level > state.Severity)
                {
                    state.Severity = level;
                    return new AlarmChange(AlarmChangeKind.Escalated, level, value, at);
                }

                return new AlarmChange(AlarmChangeKind.Updated, state.Severity, value, at);
        }
    }

    /// <summary>
    /// Raises an offline rule's alarm when the device has sent nothing for <see cref="Rule.Offline"/> or longer, and
    /// clears it when <paramref name="lastSeen"/> shows a reading within that window. A device never seen
    /// (<paramref name="lastSeen"/> null, e.g. just registered) is not raised: there is no silence to measure yet.
    /// </summary>
    public static AlarmChange CheckOffline(Rule rule, AlarmState state, DateTimeOffset? lastSeen, DateTimeOffset now)
    {
        if (rule.Offline is not { } window || lastSeen is not { } seen)
        {
            return new AlarmChange(AlarmChangeKind.None, Severity.None, 0, now);
        }

        var silence = now - seen;
        if (state.Phase != AlarmPhase.Idle)
        {
            return silence < window
                ? ClearOffline(state, now)
                : new AlarmChange(AlarmChangeKind.None, Severity.None, 0, now);
        }

        if (silence < window)
        {
            return new AlarmChange(AlarmChangeKind.None, Severity.None, 0, now);
        }

        var severity = OfflineSeverity(rule);
        state.Phase = AlarmPhase.Active;
        state.ActiveSince = now;
        state.PendingSince = state.ClearingSince = null;
        state.Severity = state.CurrentLevel = severity;
        state.Peak = state.LastValue = null;
        return new AlarmChange(AlarmChangeKind.Raised, severity, silence.TotalMinutes, now);
    }

    /// <summary>Any reading proves the device alive, so an active offline alarm clears, whatever the reading's timestamp.</summary>
    public static AlarmChange ReadingArrived(Rule offlineRule, AlarmState state, DateTimeOffset at) =>
        offlineRule.IsOffline && state.Phase != AlarmPhase.Idle
            ? ClearOffline(state, at)
            : new AlarmChange(AlarmChangeKind.None, Severity.None, 0, at);

    /// <summary>The severity an offline rule raises: its single level, or yellow when it has none.</summary>
    public static Severity OfflineSeverity(Rule rule) => rule.Levels.IsDefaultOrEmpty ? Severity.Yellow : rule.Levels[0].Severity;

    /// <summary>The most severe level whose threshold <paramref name="value"/> is strictly beyond, or <see cref="Severity.None"/>.</summary>
    public static Severity LevelOf(Rule rule, double value, double thresholdOffset = 0) =>
        LevelOf(rule, rule.Direction == ThresholdDirection.Above, value, thresholdOffset);

    private static Severity LevelOf(Rule rule, bool above, double value, double thresholdOffset)
    {
        var levels = rule.Levels;
        for (var i = levels.Length - 1; i >= 0; i--)
        {
            var threshold = levels[i].Threshold + thresholdOffset;
            if (above ? value > threshold : value < threshold)
            {
                return levels[i].Severity;
            }
        }

        return Severity.None;
    }

    private static AlarmChange Raise(AlarmState state, Severity level, DateTimeOffset at, double value)
    {
        state.Phase = AlarmPhase.Active;
        state.ActiveSince = at;
        state.PendingSince = state.ClearingSince = null;
        state.Severity = level;
        state.Peak = value;
        return new AlarmChange(AlarmChangeKind.Raised, level, value, at);
    }

    private static AlarmChange ClearOffline(AlarmState state, DateTimeOffset at)
    {
        state.Phase = AlarmPhase.Idle;
        state.PendingSince = state.ClearingSince = null;
        state.CurrentLevel = Severity.None;
        return new AlarmChange(AlarmChangeKind.Cleared, state.Severity, 0, at);
    }
}
