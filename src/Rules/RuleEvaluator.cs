namespace CityOps.Rules;

/// <summary>
/// The alarm state machine, Idle → Pending → Active ⇄ Clearing → Idle, driven by reading timestamps rather than the
/// wall clock so that replays and backtests behave exactly like live traffic. Pure and allocation-free: it only
/// reads the rule and mutates the given <see cref="AlarmState"/>.
/// </summary>
public static class RuleEvaluator
{
    /// <summary>
    /// Judges one value of <see cref="Rule.Metric"/> read at <paramref name="at"/>, for rules judged by value alone
    /// (<see cref="Rule.IsEvaluable"/>). Other rules, non-finite values and readings at or before
    /// <see cref="AlarmState.LastEvaluated"/> return <see cref="AlarmChangeKind.None"/> and leave the state untouched.
    /// </summary>
    /// <param name="thresholdOffset">Added to every threshold of the ladder.</param>
    public static AlarmChange Evaluate(Rule rule, AlarmState state, DateTimeOffset at, double value, double thresholdOffset = 0)
    {
        if (!rule.IsEvaluable || !double.IsFinite(value) || (state.LastEvaluated is { } last && at <= last))
        {
            return new AlarmChange(AlarmChangeKind.None, Severity.None, value, at);
        }

        var above = rule.Direction == ThresholdDirection.Above;
        var level = LevelOf(rule, above, value, thresholdOffset);
        var clearLine = rule.Levels[0].Threshold + thresholdOffset + (above ? -rule.Clear.Hysteresis : rule.Clear.Hysteresis);
        return Step(rule, state, at, value, level, above ? value <= clearLine : value >= clearLine);
    }

    /// <summary>
    /// Judges a whole reading with any rule but an offline one: its <c>when:</c>, <c>inside:</c>/<c>outside:</c> and
    /// <c>where:</c> conditions, then its thresholds (the device's own, from <paramref name="tuning"/>, when given).
    /// A reading that lacks a metric the rule reads, a device without a position for a rule that needs one, a zone
    /// that does not exist, or a reading at or before <see cref="AlarmState.LastEvaluated"/> is not judged
    /// (<see cref="AlarmChangeKind.None"/>, state untouched). The history in <paramref name="reading"/> must already
    /// hold this reading, so <c>rate()</c> sees it.
    /// </summary>
    public static AlarmChange Evaluate(Rule rule, AlarmState state, ReadingContext reading, RuleTuning? tuning = null)
    {
        var at = reading.At;
        if (rule.IsOffline || (state.LastEvaluated is { } last && at <= last))
        {
            return new AlarmChange(AlarmChangeKind.None, Severity.None, double.NaN, at);
        }

        var values = reading.Values;
        foreach (var slot in rule.RequiredSlots)
        {
            if (!double.IsFinite(values[slot]))
            {
                return new AlarmChange(AlarmChangeKind.None, Severity.None, double.NaN, at);
            }
        }

        if (rule.NeedsPosition && !reading.HasPosition)
        {
            return new AlarmChange(AlarmChangeKind.None, Severity.None, double.NaN, at);
        }

        if (rule.ZoneId is { } zone && !reading.Zones.HasZone(zone))
        {
            return new AlarmChange(AlarmChangeKind.None, Severity.None, double.NaN, at);
        }

        // A rule scoped by when: is judged only inside its window: outside it a reading neither raises nor clears, so a
        // lamp dark at night is not "cleared" by daylight (and its case not verified by the sensor before night shows it lit).
        if ((rule.Sun != SunCondition.Any && SolarPosition.IsNight(reading.Latitude, reading.Longitude, at) != (rule.Sun == SunCondition.Night))
            || (rule.Schedule is { } schedule && !schedule.Contains(at)))
        {
            return new AlarmChange(AlarmChangeKind.None, Severity.None, double.NaN, at);
        }

        var holds = true;
        if (rule.ZoneId is { } id)
        {
            holds = reading.Zones.IsInside(id, reading.Latitude, reading.Longitude) != rule.ZoneOutside;
        }

        if (holds && rule.WhereExpression is { } where)
        {
            holds = where.Test(reading);
        }

        var value = rule.MetricSlot < 0 ? (holds ? 1 : 0)
            : rule.Range is not null && double.IsFinite(reading.OutOfRange(rule.MetricSlot)) ? reading.OutOfRange(rule.MetricSlot)
            : values[rule.MetricSlot];
        if (!double.IsFinite(value))
        {
            return new AlarmChange(AlarmChangeKind.None, Severity.None, double.NaN, at); // a range rule on a reading without its metric
        }

        if (holds && (rule.IsFault || rule.Predict is not null))
        {
            holds = SeriesRules.Holds(rule, state, reading, value);
        }
        var thresholds = tuning is { Thresholds.IsDefaultOrEmpty: false } ? tuning.Thresholds : rule.Thresholds;
        if (thresholds.IsDefaultOrEmpty || rule.Levels.IsDefaultOrEmpty || rule.MetricSlot < 0)
        {
            var severity = rule.Levels.IsDefaultOrEmpty ? Severity.Yellow : rule.Levels[0].Severity;
            return Step(rule, state, at, value, holds ? severity : Severity.None, !holds);
        }

        var above = rule.Direction == ThresholdDirection.Above;
        var level = Severity.None;
        if (holds)
        {
            for (var i = thresholds.Length - 1; i >= 0; i--)
            {
                if (above ? value > thresholds[i] : value < thresholds[i])
                {
                    level = rule.Levels[i].Severity;
                    break;
                }
            }
        }

        var clearLine = thresholds[0] + (above ? -rule.Clear.Hysteresis : rule.Clear.Hysteresis);
        return Step(rule, state, at, value, level, !holds || (above ? value <= clearLine : value >= clearLine));
    }

    /// <summary>
    /// The state machine shared by every kind of rule: <paramref name="level"/> is the severity the reading is at
    /// (<see cref="Severity.None"/> when the rule does not hold), <paramref name="backInside"/> whether an active alarm
    /// may start clearing (past the clear line, or the conditions no longer hold).
    /// </summary>
    private static AlarmChange Step(Rule rule, AlarmState state, DateTimeOffset at, double value, Severity level, bool backInside)
    {
        state.LastEvaluated = at;
        state.LastValue = value;
        state.CurrentLevel = level;
        var above = rule.Direction == ThresholdDirection.Above;

        switch (state.Phase)
        {
            case AlarmPhase.Idle:
                if (level == Severity.None)
                {
                    return new AlarmChange(AlarmChangeKind.None, Severity.None, value, at);
                }

                if (rule.Count is { } count ? count <= 1 : rule.For <= TimeSpan.Zero)
                {
                    return Raise(state, level, at, value);
                }

                state.Phase = AlarmPhase.Pending;
                state.PendingSince = at;
                state.Matches = 1;
                state.Severity = Severity.None;
                state.Peak = null;
                state.ActiveSince = state.ClearingSince = null;
                return new AlarmChange(AlarmChangeKind.Pending, level, value, at);

            case AlarmPhase.Pending:
                if (level == Severity.None)
                {
                    state.Phase = AlarmPhase.Idle;
                    state.PendingSince = null;
                    state.Matches = 0;
                    return new AlarmChange(AlarmChangeKind.None, Severity.None, value, at);
                }

                state.Matches++;
                var due = rule.Count is { } needed ? state.Matches >= needed : at - (state.PendingSince ?? at) >= rule.For;
                return due
                    ? Raise(state, level, at, value)
                    : new AlarmChange(AlarmChangeKind.None, Severity.None, value, at);

            default:
                var peak = state.Peak ?? value;
                state.Peak = above ? Math.Max(peak, value) : Math.Min(peak, value);

                if (backInside)
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
    /// <param name="window">The device's own silence window (<see cref="RuleTuning.Offline"/>); null uses the rule's.</param>
    public static AlarmChange CheckOffline(Rule rule, AlarmState state, DateTimeOffset? lastSeen, DateTimeOffset now, TimeSpan? window = null)
    {
        if ((window ?? rule.Offline) is not { } silenceAllowed || rule.Offline is null || lastSeen is not { } seen)
        {
            return new AlarmChange(AlarmChangeKind.None, Severity.None, 0, now);
        }

        var silence = now - seen;
        if (state.Phase != AlarmPhase.Idle)
        {
            return silence < silenceAllowed
                ? ClearOffline(state, now)
                : new AlarmChange(AlarmChangeKind.None, Severity.None, 0, now);
        }

        if (silence < silenceAllowed)
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
        state.Matches = 0;
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
