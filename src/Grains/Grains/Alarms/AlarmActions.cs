namespace CityOps.Grains.Alarms;

/// <summary>Which action an alarm allows in which state (the API answers 409 with the refusal).</summary>
public static class AlarmActions
{
    /// <summary>Why <paramref name="action"/> is not allowed now, or null when it is.</summary>
    public static string? Refusal(AlarmActionKind action, AlarmStatus status, AlarmDisposition disposition, bool acknowledged, bool closed, string? caseId) =>
        action switch
        {
            AlarmActionKind.Acknowledge when acknowledged => "the alarm is already acknowledged",
            AlarmActionKind.Acknowledge => null,
            AlarmActionKind.File => disposition switch
            {
                AlarmDisposition.Filed => $"the alarm is already filed as case {caseId}",
                AlarmDisposition.Dismissed => "a dismissed alarm cannot be filed",
                AlarmDisposition.Maintenance => "a maintenance alarm never files a case: it is device upkeep",
                _ when status == AlarmStatus.Cleared => "the alarm has cleared; file a case by hand (POST /api/v1/cases) if the problem remains",
                _ => null,
            },
            AlarmActionKind.Dismiss => disposition switch
            {
                AlarmDisposition.Filed => $"the alarm is filed as case {caseId}; cancel the case in its workflow instead",
                AlarmDisposition.Dismissed => "the alarm is already dismissed",
                AlarmDisposition.Maintenance => "a maintenance alarm is closed in the upkeep queue, not dismissed",
                _ => null,
            },
            AlarmActionKind.Close when disposition != AlarmDisposition.Maintenance => "only maintenance alarms (device upkeep) are closed; file or dismiss this one",
            AlarmActionKind.Close when closed => "the upkeep alarm is already closed",
            AlarmActionKind.Close => null,
            _ => "unknown action",
        };

    /// <summary>The alarm after an allowed action (the active alarm's record applies the same change in the device grain).</summary>
    public static AlarmSnapshot Apply(AlarmSnapshot alarm, AlarmAction action, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        ArgumentNullException.ThrowIfNull(action);
        var entry = Entry(action, at, alarm.Disposition);
        var next = alarm with { UpdatedAt = at, History = alarm.History.Add(entry) };
        return action.Action switch
        {
            AlarmActionKind.Acknowledge => next with { Acknowledged = true, AcknowledgedBy = action.By, AcknowledgedAt = at },
            AlarmActionKind.Dismiss => next with { Disposition = AlarmDisposition.Dismissed, DismissReason = action.Reason },
            AlarmActionKind.Close => next with { ClosedAt = at },
            _ => next,
        };
    }

    /// <summary>The history line of an action.</summary>
    public static HistoryEntry Entry(AlarmAction action, DateTimeOffset at, AlarmDisposition before)
    {
        ArgumentNullException.ThrowIfNull(action);
        return action.Action switch
        {
            AlarmActionKind.Acknowledge => new HistoryEntry(at, "acknowledged", null, null, action.By, action.Note),
            AlarmActionKind.Dismiss => new HistoryEntry(at, "dismissed", WireNames.Of(before), "dismissed", action.By, Join(action.Reason, action.Note)),
            AlarmActionKind.Close => new HistoryEntry(at, "closed", null, null, action.By, action.Note),
            _ => new HistoryEntry(at, "filed", WireNames.Of(before), "filed", action.By, action.Note),
        };
    }

    /// <summary>The event an action announces.</summary>
    public static string EventOf(AlarmActionKind action) => action switch
    {
        AlarmActionKind.Acknowledge => AlarmEvents.Acknowledged,
        AlarmActionKind.Dismiss => AlarmEvents.Dismissed,
        AlarmActionKind.Close => AlarmEvents.Closed,
        _ => AlarmEvents.Filed,
    };

    private static string? Join(string? a, string? b) => a is null ? b : b is null ? a : a + "; " + b;
}
