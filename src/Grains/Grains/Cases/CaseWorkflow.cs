using CityOps.Grains.Routing;
using CityOps.Rules;

namespace CityOps.Grains.Cases;

/// <summary>
/// The workflow state machine, pure: given a case and an action, the changed case or why not. Every action appends one
/// history entry whose type is the action's wire name, with the time, the authenticated actor and the note (docs/dispatch.md).
/// </summary>
public static class CaseWorkflow
{
    /// <summary>The highest 督办 level.</summary>
    public const int MaxSuperviseLevel = 3;

    public static IReadOnlyList<string> Actions { get; } = WireNames.All<CaseActionKind>();

    /// <summary>Actions only a supervisor decides (cancelling after dispatch is checked by the workflow itself).</summary>
    public static bool NeedsSupervisor(CaseActionKind action) => action is CaseActionKind.Postpone or CaseActionKind.ApprovePostpone
        or CaseActionKind.RejectPostpone or CaseActionKind.Defer or CaseActionKind.Resume or CaseActionKind.Supervise;

    public static bool IsOpen(CaseStatus status) => status is not (CaseStatus.Closed or CaseStatus.Cancelled);

    /// <summary>
    /// Applies <paramref name="action"/> at <paramref name="now"/>; <paramref name="routing"/> (the table in force, its calendar
    /// in the city's zone) gives the work calendar of deadlines in working time.
    /// </summary>
    public static CaseOutcome Apply(CaseSnapshot current, CaseAction action, DateTimeOffset now, RoutingTable routing)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(routing);
        var name = WireNames.Of(action.Action);
        CaseOutcome? Require(params CaseStatus[] from) =>
            from.Contains(current.Status)
                ? null
                : CaseOutcome.Refused($"Cannot {name} a case that is {WireNames.Of(current.Status)}; allowed from {string.Join(" or ", from.Select(WireNames.Of))}.");

        if (NeedsSupervisor(action.Action) && !action.Supervisor)
        {
            return CaseOutcome.NeedsSupervisor($"Only a supervisor may {name} a case.");
        }

        switch (action.Action)
        {
            case CaseActionKind.Dispatch:
            {
                var unit = action.Unit ?? current.Unit;
                return Require(CaseStatus.Filed) is { } refused ? refused
                    : unit is null ? CaseOutcome.Refused("Cannot dispatch: no unit given and none is responsible for this case's grid.")
                    : Done(Move(Assign(current, unit, now, routing), CaseStatus.Dispatched, action, now, $"unit {unit}"));
            }

            case CaseActionKind.Reassign:
            {
                if (Require(CaseStatus.Dispatched) is { } refused)
                {
                    return refused;
                }

                if (action.Unit is not { } unit || unit == current.Unit)
                {
                    return CaseOutcome.Refused("Reassign needs a unit other than the one holding the case.");
                }

                return Done(Move(Assign(current, unit, now, routing), CaseStatus.Dispatched, action, now, $"unit {unit} (was {current.Unit})"));
            }

            case CaseActionKind.Return:
            {
                if (Require(CaseStatus.Dispatched) is { } refused)
                {
                    return refused;
                }

                if (string.IsNullOrWhiteSpace(action.Reason ?? action.Note))
                {
                    return CaseOutcome.Refused("Return needs a reason: why the case is not this unit's.");
                }

                return Done(Move(current with
                {
                    DueAt = null,
                    Overdue = false,
                    PostponeRequestedTo = null,
                    PostponeRequestedAt = null,
                    DispatchDueAt = now + (current.DispatchDueAt - current.OpenedAt ?? RoutingTable.DefaultDispatch),
                    DispatchOverdue = false,
                }, CaseStatus.Filed, action, now, $"returned by unit {current.Unit}"));
            }

            case CaseActionKind.Rework:
                return Require(CaseStatus.Handled) is { } reworkRefused ? reworkRefused
                    : Done(Move(current with { Unit = action.Unit ?? current.Unit, VerifyDueAt = null, VerifyOverdue = false }, CaseStatus.Dispatched, action, now, null));

            case CaseActionKind.Handle:
                return Require(CaseStatus.Dispatched) is { } handleRefused ? handleRefused
                    : Done(Move(current with
                    {
                        VerifyDueAt = now + (current.VerifyLimit ?? RoutingTable.DefaultVerify),
                        Overdue = current.Overdue || (current.DueAt is { } due && now > due),
                        PostponeRequestedTo = null,
                        PostponeRequestedAt = null,
                    }, CaseStatus.Handled, action, now, null));

            case CaseActionKind.Verify:
                return Require(CaseStatus.Handled) is { } verifyRefused ? verifyRefused : Done(Verify(current, action, now));

            case CaseActionKind.Close:
                return Require(CaseStatus.Verified) is { } closeRefused ? closeRefused
                    : Done(Move(current with { ClosedAt = now }, CaseStatus.Closed, action, now, null));

            case CaseActionKind.Cancel:
                if (!IsOpen(current.Status))
                {
                    return CaseOutcome.Refused($"Cannot cancel a case that is already {WireNames.Of(current.Status)}.");
                }

                if (current.Status != CaseStatus.Filed && !action.Supervisor)
                {
                    return CaseOutcome.NeedsSupervisor($"Only a supervisor may cancel a case that is {WireNames.Of(current.Status)}; a dispatcher cancels only before dispatch.");
                }

                return Done(Move(current with { ClosedAt = now, PostponeRequestedTo = null, PostponeRequestedAt = null }, CaseStatus.Cancelled, action, now, "作废"));

            case CaseActionKind.Postpone:
                if (Require(CaseStatus.Dispatched) is { } postponeRefused)
                {
                    return postponeRefused;
                }

                if (action.DueAt is not { } dueAt || (current.DueAt is { } oldDue && dueAt <= oldDue))
                {
                    return CaseOutcome.Refused("Postpone needs a dueAt later than the current one.");
                }

                return Done(MoveDue(current, dueAt, action, now, null));

            case CaseActionKind.RequestPostpone:
                if (Require(CaseStatus.Dispatched) is { } requestRefused)
                {
                    return requestRefused;
                }

                if (current.PostponeRequestedTo is not null)
                {
                    return CaseOutcome.Refused("A postponement is already waiting for a supervisor's decision.");
                }

                if (action.DueAt is not { } asked || (current.DueAt is { } currentDue && asked <= currentDue))
                {
                    return CaseOutcome.Refused("Request-postpone needs a dueAt later than the current one.");
                }

                return Done(current with
                {
                    PostponeRequestedTo = asked,
                    PostponeRequestedAt = now,
                    UpdatedAt = now,
                    History = current.History.Add(Entry(now, action, current.DueAt?.ToString("O"), asked.ToString("O"),
                        current.DueAt is { } due2 && now > due2 ? "asked after the deadline passed: the case stays overdue" : null)),
                });

            case CaseActionKind.ApprovePostpone:
                if (current.PostponeRequestedTo is not { } requested || current.PostponeRequestedAt is not { } requestedAt || current.Status != CaseStatus.Dispatched)
                {
                    return CaseOutcome.Refused("No postponement is waiting for a decision.");
                }

                return Done(MoveDue(current, requested, action, now, requestedAt));

            case CaseActionKind.RejectPostpone:
                if (current.PostponeRequestedTo is not { } rejected)
                {
                    return CaseOutcome.Refused("No postponement is waiting for a decision.");
                }

                return Done(current with
                {
                    PostponeRequestedTo = null,
                    PostponeRequestedAt = null,
                    UpdatedAt = now,
                    History = current.History.Add(Entry(now, action, rejected.ToString("O"), current.DueAt?.ToString("O"), null)),
                });

            case CaseActionKind.Defer:
                return Require(CaseStatus.Filed, CaseStatus.Dispatched) is { } deferRefused ? deferRefused
                    : Done(Move(current with { DeferredFrom = current.Status, DeferredAt = now }, CaseStatus.Deferred, action, now, "挂账/缓办"));

            case CaseActionKind.Resume:
            {
                if (Require(CaseStatus.Deferred) is { } refused)
                {
                    return refused;
                }

                // The deadlines stood still while the case was deferred: they move on by the time it was.
                var paused = now - (current.DeferredAt ?? now);
                var resumed = current with
                {
                    DueAt = current.DueAt + paused,
                    DispatchDueAt = current.DispatchDueAt + paused,
                    DeferredFrom = null,
                    DeferredAt = null,
                };
                return Done(Move(resumed, current.DeferredFrom ?? CaseStatus.Filed, action, now,
                    $"deferred for {Durations.Format(paused)}" + (resumed.DueAt is { } movedDue ? $"; dueAt {movedDue:O}" : "")));
            }

            case CaseActionKind.Supervise:
            {
                if (!IsOpen(current.Status))
                {
                    return CaseOutcome.Refused($"Cannot supervise a case that is {WireNames.Of(current.Status)}.");
                }

                var level = action.Level ?? Math.Min(current.SuperviseLevel + 1, MaxSuperviseLevel);
                if (level is < 1 or > MaxSuperviseLevel)
                {
                    return CaseOutcome.Refused($"督办 level is 1 to {MaxSuperviseLevel}.");
                }

                return Done(Move(current with { SuperviseLevel = level }, current.Status, action, now, $"督办 level {level}"));
            }

            default:
                return CaseOutcome.Refused($"Unknown action '{name}'; expected one of {string.Join(", ", Actions)}.");
        }
    }

    /// <summary>
    /// A new case; <paramref name="route"/> (from routing) gives its unit and limits: 派遣时限 runs from filing, 处置时限
    /// from dispatch (<see cref="CaseSnapshot.DueAt"/> is set then).
    /// </summary>
    public static CaseSnapshot File(string id, CaseFiling filing, RouteDecision? route = null, CaseCodeBook? codes = null)
    {
        ArgumentNullException.ThrowIfNull(filing);
        var book = codes ?? CaseCodeBook.Standard;
        var (type, code) = book.Resolve(filing.Code, filing.CodeType);
        var unit = filing.UnitFixed ? filing.Unit ?? route?.Unit : route?.Unit ?? filing.Unit;
        var limit = route?.Deadline ?? book.Deadline(type, code);
        var working = route?.WorkingHours ?? false;
        var dispatchLimit = route?.DispatchDeadline is { } d && d > TimeSpan.Zero ? d : RoutingTable.DefaultDispatch;
        var note = route is null ? filing.Note
            : Join(filing.Note, $"处置时限 {Durations.Format(limit)}{(working ? " working time" : "")}; 派遣时限 {Durations.Format(dispatchLimit)}");
        return new CaseSnapshot(
            id, CaseStatus.Filed, filing.Severity, code, book.Category(type, code), filing.Title,
            filing.DeviceId, filing.RuleId, filing.Lat, filing.Lon, filing.Grid, unit,
            filing.Value, filing.Value, filing.RuleId is not null, filing.At, filing.At,
            null, null,
            [new HistoryEntry(filing.At, "file", null, WireNames.Of(CaseStatus.Filed), filing.Actor, note)],
            VerifyLimit: route?.Verify,
            AlarmIds: filing.AlarmId is { } alarmId ? [alarmId] : null,
            CodeType: type,
            Source: filing.Source,
            DispatchDueAt: filing.At + dispatchLimit,
            DueLimit: limit,
            DueWorking: working);
    }

    /// <summary>
    /// The case's severity rose to <paramref name="severity"/>, whose route (<paramref name="route"/>) may have a shorter
    /// 处置时限: then the limit shrinks, and so does <c>dueAt</c> of a dispatched case (the history entry says why).
    /// </summary>
    public static CaseSnapshot Escalate(CaseSnapshot current, Severity severity, RouteDecision route, DateTimeOffset at, string actor, string? note, RoutingTable routing)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(routing);
        string? shortened = null;
        var next = current with { Severity = severity };
        if (current.Status is CaseStatus.Filed or CaseStatus.Dispatched or CaseStatus.Deferred && current.DueLimit is { } oldLimit)
        {
            var from = current.Status == CaseStatus.Dispatched ? LastDispatchAt(current) ?? at : at;
            var newDue = routing.DueAt(from, route.Deadline, route.WorkingHours);
            var oldDue = current.DueAt ?? routing.DueAt(from, oldLimit, current.DueWorking);
            if (newDue < oldDue)
            {
                next = next with { DueLimit = route.Deadline, DueWorking = route.WorkingHours, DueAt = current.DueAt is null ? null : newDue };
                shortened = $"处置时限 shortened to {Durations.Format(route.Deadline)}{(route.WorkingHours ? " working time" : "")} for {WireNames.Of(severity)}"
                    + (next.DueAt is { } due ? $": due {due:O}" : "");
            }
        }

        return next with
        {
            History = next.History.Add(new HistoryEntry(at, "severity", WireNames.Of(current.Severity), WireNames.Of(severity), actor, Join(note, shortened))),
        };
    }

    /// <summary>
    /// What time alone does to a case: a deadline passes (派遣时限 of a filed case, 处置时限 of a dispatched one, with an
    /// automatic 督办 when <paramref name="autoSupervise"/>; 核查时限 of a handled one), or, for a case raised by a rule,
    /// its alarm has stayed clear long enough after handling to verify it (核查 by the sensor). Null when nothing changes.
    /// </summary>
    public static (CaseSnapshot Case, CaseEventKind Event)? Tick(CaseSnapshot current, DateTimeOffset now, TimeSpan sensorVerifyAfter, bool autoSupervise = true)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (current.Status == CaseStatus.Filed && !current.DispatchOverdue && current.DispatchDueAt is { } dispatchDue && now > dispatchDue)
        {
            return (Overdue(current with { DispatchOverdue = true }, now, $"派遣时限 passed at {dispatchDue:O}"), CaseEventKind.Overdue);
        }

        if (current.Status == CaseStatus.Dispatched && !current.Overdue && current.DueAt is { } due && now > due)
        {
            var overdue = Overdue(current with { Overdue = true }, now, $"处置时限 passed at {due:O}");
            if (autoSupervise && overdue.SuperviseLevel == 0)
            {
                overdue = overdue with
                {
                    SuperviseLevel = 1,
                    History = overdue.History.Add(new HistoryEntry(now, WireNames.Of(CaseActionKind.Supervise), WireNames.Of(current.Status), WireNames.Of(current.Status),
                        "system:deadline", "督办 level 1: 处置时限 passed")),
                };
            }

            return (overdue, CaseEventKind.Overdue);
        }

        if (SensorClearSince(current) is { } clearSince && now - clearSince >= sensorVerifyAfter)
        {
            var verified = Verify(current, new CaseAction(CaseActionKind.Verify, null, null, "sensor:" + current.RuleId, null), now);
            var entry = verified.History[^1] with { Note = $"alarm clear since {clearSince:O} ({Durations.Format(now - clearSince)}), verified by the sensor" };
            return (verified with { History = verified.History.SetItem(verified.History.Length - 1, entry) }, CaseEventKind.Verified);
        }

        if (current.Status == CaseStatus.Handled && !current.VerifyOverdue && current.VerifyDueAt is { } verifyDue && now > verifyDue)
        {
            return (Overdue(current with { VerifyOverdue = true }, now, $"核查时限 passed at {verifyDue:O}"), CaseEventKind.Overdue);
        }

        return null;
    }

    /// <summary>
    /// Since when a handled, rule-raised case has had its alarm clear (and the unit's report in); null otherwise. Only a
    /// clear shown by readings counts (<c>alarm</c> entry to <c>clear</c>): an alarm that ended because its rule was
    /// removed or changed (<c>ended</c>) proves nothing, and a rule scoped by <c>when:</c> is judged only inside its
    /// window, so a night-only lamp rule clears (and verifies) only on night readings of a lit lamp.
    /// </summary>
    public static DateTimeOffset? SensorClearSince(CaseSnapshot current)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (current.Status != CaseStatus.Handled || current.RuleId is null || current.AlarmActive)
        {
            return null;
        }

        var lastAlarm = current.History.LastOrDefault(e => e.Type == "alarm");
        if (lastAlarm is not null && lastAlarm.To != "clear")
        {
            return null;
        }

        var handled = current.History.LastOrDefault(e => e.Type == "handle")?.At ?? current.UpdatedAt;
        var cleared = lastAlarm?.At ?? current.OpenedAt;
        return handled > cleared ? handled : cleared;
    }

    /// <summary>The alarm of a handled case came back: the handling did not hold, so it goes back to the unit (返工).</summary>
    public static CaseSnapshot ReworkBySensor(CaseSnapshot current, DateTimeOffset at, string? note)
    {
        ArgumentNullException.ThrowIfNull(current);
        return Move(current with { VerifyDueAt = null, VerifyOverdue = false }, CaseStatus.Dispatched,
            new CaseAction(CaseActionKind.Rework, null, null, "sensor:" + current.RuleId, null), at, Join("alarm active again after handling", note));
    }

    /// <summary>When the unit holding the case got it (the last dispatch or reassignment).</summary>
    public static DateTimeOffset? LastDispatchAt(CaseSnapshot current) =>
        current?.History.LastOrDefault(e => e.Type is "dispatch" or "reassign")?.At;

    private static CaseOutcome Done(CaseSnapshot next) => new(next, null);

    /// <summary>A handled case verified (核查), by a person or by the sensor; late when its 核查时限 has passed.</summary>
    private static CaseSnapshot Verify(CaseSnapshot current, CaseAction action, DateTimeOffset now) =>
        Move(current with { VerifyOverdue = current.VerifyOverdue || (current.VerifyDueAt is { } verifyDue && now > verifyDue) },
            CaseStatus.Verified, action, now, null);

    /// <summary>A (new) unit holds the case from <paramref name="now"/>: its 处置时限 starts again.</summary>
    private static CaseSnapshot Assign(CaseSnapshot current, string unit, DateTimeOffset now, RoutingTable routing)
    {
        var due = current.DueLimit is { } limit ? routing.DueAt(now, limit, current.DueWorking) : current.DueAt;
        return current with { Unit = unit, DueAt = due, Overdue = false, PostponeRequestedTo = null, PostponeRequestedAt = null };
    }

    /// <summary>
    /// A new <c>dueAt</c>. A postponement asked (<paramref name="askedAt"/>) or granted after the deadline passed does not
    /// make a late case on time.
    /// </summary>
    private static CaseSnapshot MoveDue(CaseSnapshot current, DateTimeOffset dueAt, CaseAction action, DateTimeOffset now, DateTimeOffset? askedAt)
    {
        var late = current.DueAt is { } oldDue && (now > oldDue || askedAt > oldDue);
        return current with
        {
            DueAt = dueAt,
            Overdue = current.Overdue || late,
            PostponeRequestedTo = null,
            PostponeRequestedAt = null,
            UpdatedAt = now,
            History = current.History.Add(Entry(now, action, current.DueAt?.ToString("O"), dueAt.ToString("O"), late ? "granted after the deadline passed: the case stays overdue" : null)),
        };
    }

    private static CaseSnapshot Overdue(CaseSnapshot current, DateTimeOffset now, string note) => current with
    {
        UpdatedAt = now,
        History = current.History.Add(new HistoryEntry(now, "overdue", null, null, "system:deadline", note)),
    };

    private static string? Join(string? a, string? b) => (a, b) switch
    {
        (null, var y) => y,
        (var x, null) => x,
        (var x, var y) => $"{x}; {y}",
    };

    private static HistoryEntry Entry(DateTimeOffset now, CaseAction action, string? from, string? to, string? detail) =>
        new(now, WireNames.Of(action.Action), from, to, action.By,
            Join(Join(detail, action.Reason is null ? action.Note : Join($"reason: {action.Reason}", action.Note)), action.OnBehalfOf is { } who ? $"on behalf of {who}" : null));

    private static CaseSnapshot Move(CaseSnapshot current, CaseStatus to, CaseAction action, DateTimeOffset now, string? detail) => current with
    {
        Status = to,
        UpdatedAt = now,
        History = current.History.Add(Entry(now, action, WireNames.Of(current.Status), WireNames.Of(to), detail)),
    };
}
