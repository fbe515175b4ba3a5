using System.Collections.Immutable;
using CityOps.Grains.Routing;
using CityOps.Rules;

namespace CityOps.Grains.Cases;

/// <summary>
/// The workflow state machine, pure: given a case and an action, the changed case or why not.
/// Every change appends to the history with its time, actor and note.
/// </summary>
public static class CaseWorkflow
{
    private static readonly TimeSpan DefaultVerify = RoutingTable.DefaultVerify;

    public static readonly IReadOnlyList<string> Actions = ["dispatch", "handle", "verify", "close", "rework", "postpone", "cancel"];

    public static (CaseSnapshot? Case, string? Error) Apply(CaseSnapshot current, CaseAction action, DateTimeOffset now)
    {
        string? Require(params string[] from) =>
            from.Contains(current.Status)
                ? null
                : $"Cannot {action.Action} a case that is {current.Status}; allowed from {string.Join(" or ", from)}.";

        switch (action.Action)
        {
            case "dispatch":
            {
                var unit = action.Unit ?? current.Unit;
                return Require(CaseStatus.Filed) is { } error ? (null, error)
                    : unit is null ? (null, "Cannot dispatch: no unit given and none is responsible for this case's grid.")
                    : (Move(current with { Unit = unit }, CaseStatus.Dispatched, action, now, $"unit {unit}"), null);
            }

            case "rework":
                return Require(CaseStatus.Handled) is { } reworkError ? (null, reworkError)
                    : (Move(current with { Unit = action.Unit ?? current.Unit, VerifyDueAt = null }, CaseStatus.Dispatched, action, now, null), null);

            case "handle":
                return Require(CaseStatus.Dispatched) is { } handleError ? (null, handleError)
                    : (Move(current with
                    {
                        VerifyDueAt = now + (current.VerifyLimit ?? DefaultVerify),
                        Overdue = current.Overdue || (current.DueAt is { } due && now > due),
                    }, CaseStatus.Handled, action, now, null), null);

            case "verify":
                return Require(CaseStatus.Handled) is { } verifyError ? (null, verifyError)
                    : (Move(current, CaseStatus.Verified, action, now, null), null);

            case "close":
                return Require(CaseStatus.Verified) is { } closeError ? (null, closeError)
                    : (Move(current with { ClosedAt = now }, CaseStatus.Closed, action, now, null), null);

            case "cancel":
                return !CaseStatus.IsOpen(current.Status) ? (null, "Cannot cancel a case that is already closed.")
                    : (Move(current with { ClosedAt = now }, CaseStatus.Closed, action, now, "作废"), null);

            case "postpone":
                if (!CaseStatus.IsOpen(current.Status))
                {
                    return (null, "Cannot postpone a closed case.");
                }

                if (action.DueAt is not { } dueAt || (current.DueAt is { } oldDue && dueAt <= oldDue))
                {
                    return (null, "Postpone needs a dueAt later than the current one.");
                }

                return (current with
                {
                    DueAt = dueAt,
                    Overdue = current.Overdue && (current.Status is not (CaseStatus.Filed or CaseStatus.Dispatched) || dueAt <= now),
                    UpdatedAt = now,
                    History = current.History.Add(new CaseEntry(now, "postpone", current.DueAt?.ToString("O"), dueAt.ToString("O"), action.By, action.Note)),
                }, null);

            default:
                return (null, $"Unknown action '{action.Action}'; expected one of {string.Join(", ", Actions)}.");
        }
    }

    /// <summary>A new case; <paramref name="route"/> (from routing) gives its unit, deadline and verification limit.</summary>
    public static CaseSnapshot File(string id, CaseFiling filing, RouteDecision? route = null)
    {
        var code = filing.Code;
        var unit = filing.UnitFixed ? filing.Unit ?? route?.Unit : route?.Unit ?? filing.Unit;
        var note = route is null ? filing.Note
            : Join(filing.Note, $"处置时限 {Durations.Format(route.Deadline)}{(route.WorkingHours ? " working time" : "")}");
        return new CaseSnapshot(
            id, CaseStatus.Filed, filing.Severity, code, CaseCodes.Category(CaseCodes.Normalize(code)), filing.Title,
            filing.DeviceId, filing.RuleId, filing.Lat, filing.Lon, filing.Grid, unit,
            filing.Value, filing.Value, filing.RuleId is not null, filing.At, filing.At,
            route?.DueAt ?? filing.At + CaseCodes.Deadline(CaseCodes.Normalize(code)), null,
            [new CaseEntry(filing.At, "file", null, CaseStatus.Filed, filing.Actor, note)],
            VerifyLimit: route?.Verify,
            AlarmIds: filing.AlarmId is { } alarmId ? [alarmId] : null);
    }

    /// <summary>
    /// What time alone does to a case: its deadline passes (flagged <c>overdue</c>), or, for a case raised by
    /// a rule, its alarm has stayed clear long enough after handling to verify it (核查 by the sensor).
    /// Null when nothing changes.
    /// </summary>
    public static (CaseSnapshot Case, string Event)? Tick(CaseSnapshot current, DateTimeOffset now, TimeSpan sensorVerifyAfter)
    {
        if (current.Status is CaseStatus.Filed or CaseStatus.Dispatched && !current.Overdue && current.DueAt is { } due && now > due)
        {
            return (current with
            {
                Overdue = true,
                UpdatedAt = now,
                History = current.History.Add(new CaseEntry(now, "overdue", null, null, "system:deadline", $"处置时限 passed at {due:O}")),
            }, "case.overdue");
        }

        if (SensorClearSince(current) is { } clearSince && now - clearSince >= sensorVerifyAfter)
        {
            var verified = Move(current, CaseStatus.Verified,
                new CaseAction("verify", null, null, "sensor:" + current.RuleId, null), now,
                $"alarm clear since {clearSince:O} ({Durations.Format(now - clearSince)}), verified by the sensor");
            return (verified, "case.verified");
        }

        return null;
    }

    /// <summary>Since when a handled, rule-raised case has had its alarm clear (and the unit's report in); null otherwise.</summary>
    public static DateTimeOffset? SensorClearSince(CaseSnapshot current)
    {
        if (current.Status != CaseStatus.Handled || current.RuleId is null || current.AlarmActive)
        {
            return null;
        }

        var handled = current.History.LastOrDefault(e => e.Type == "handle")?.At ?? current.UpdatedAt;
        var cleared = current.History.LastOrDefault(e => e.Type == "alarm" && e.To == "clear")?.At ?? current.OpenedAt;
        return handled > cleared ? handled : cleared;
    }

    /// <summary>The alarm of a handled case came back: the handling did not hold, so it goes back to the unit (返工).</summary>
    public static CaseSnapshot ReworkBySensor(CaseSnapshot current, DateTimeOffset at, string? note) =>
        Move(current with { VerifyDueAt = null }, CaseStatus.Dispatched,
            new CaseAction("rework", null, null, "sensor:" + current.RuleId, null), at, Join("alarm active again after handling", note));

    private static string? Join(string? a, string? b) => (a, b) switch
    {
        (null, var y) => y,
        (var x, null) => x,
        (var x, var y) => $"{x}; {y}",
    };

    private static CaseSnapshot Move(CaseSnapshot current, string to, CaseAction action, DateTimeOffset now, string? detail)
    {
        var note = (detail, action.Note) switch
        {
            (null, var n) => n,
            (var d, null) => d,
            (var d, var n) => $"{d}; {n}",
        };
        return current with
        {
            Status = to,
            UpdatedAt = now,
            History = current.History.Add(new CaseEntry(now, action.Action, current.Status, to, action.By, note)),
        };
    }

    public static ImmutableArray<CaseEntry> Append(ImmutableArray<CaseEntry> history, CaseEntry entry) => history.Add(entry);
}
