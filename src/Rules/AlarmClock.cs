namespace CityOps.Rules;

/// <summary>
/// Time without readings: when a rule's <c>escalate:</c> steps and <c>remind:</c> interval act on an active alarm. Pure
/// arithmetic over what the alarm persists (when it was raised, its severity, whether a person acknowledged it, when it
/// was last reminded), so a restart loses nothing; the device grain calls it from the silo's sweep.
/// </summary>
public static class AlarmClock
{
    /// <summary>
    /// The severity the alarm escalates to at <paramref name="now"/>: the highest <c>to</c> among the steps due and above
    /// <paramref name="severity"/> (a step with <c>unless: acknowledged</c> is skipped once <paramref name="acknowledged"/>);
    /// null when nothing is due.
    /// </summary>
    public static Severity? EscalationDue(ImmutableArray<EscalationStep> steps, DateTimeOffset raisedAt, Severity severity, bool acknowledged, DateTimeOffset now)
    {
        Severity? to = null;
        foreach (var step in Open(steps, severity, acknowledged))
        {
            if (raisedAt + step.After <= now && (to is null || step.To > to))
            {
                to = step.To;
            }
        }

        return to;
    }

    /// <summary>When the next escalation step falls due, or null when none can any more.</summary>
    public static DateTimeOffset? NextEscalation(ImmutableArray<EscalationStep> steps, DateTimeOffset raisedAt, Severity severity, bool acknowledged)
    {
        DateTimeOffset? next = null;
        foreach (var step in Open(steps, severity, acknowledged))
        {
            var at = raisedAt + step.After;
            if (next is null || at < next)
            {
                next = at;
            }
        }

        return next;
    }

    /// <summary>
    /// When the next reminder falls due: one <paramref name="interval"/> after the last reminder, or after the raising when
    /// there was none; null without <c>remind:</c> or when the alarm needs none (<paramref name="quiet"/>: acknowledged,
    /// dismissed, silenced or flapping). After a long outage one reminder is due, not every one missed.
    /// </summary>
    public static DateTimeOffset? NextReminder(TimeSpan? interval, DateTimeOffset raisedAt, DateTimeOffset? remindedAt, bool quiet) =>
        interval is { } every && !quiet ? (remindedAt ?? raisedAt) + every : null;

    /// <summary>Raises the judged state's severity to <paramref name="to"/> (never down): readings go on from there.</summary>
    public static bool Escalate(AlarmState state, Severity to)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (to <= state.Severity)
        {
            return false;
        }

        state.Severity = to;
        return true;
    }

    private static IEnumerable<EscalationStep> Open(ImmutableArray<EscalationStep> steps, Severity severity, bool acknowledged) =>
        steps.IsDefaultOrEmpty ? [] : steps.Where(s => s.To > severity && !(s.UnlessAcknowledged && acknowledged));
}
