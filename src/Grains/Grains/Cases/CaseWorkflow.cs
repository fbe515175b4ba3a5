using System.Collections.Immutable;

namespace CityOps.Grains.Cases;

/// <summary>
/// The workflow state machine, pure: given a case and an action, the changed case or why not.
/// Every change appends to the history with its time, actor and note.
/// </summary>
public static class CaseWorkflow
{
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
                    : (Move(current with { Unit = action.Unit ?? current.Unit }, CaseStatus.Dispatched, action, now, null), null);

            case "handle":
                return Require(CaseStatus.Dispatched) is { } handleError ? (null, handleError)
                    : (Move(current, CaseStatus.Handled, action, now, null), null);

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
                    UpdatedAt = now,
                    History = current.History.Add(new CaseEntry(now, "postpone", current.DueAt?.ToString("O"), dueAt.ToString("O"), action.By, action.Note)),
                }, null);

            default:
                return (null, $"Unknown action '{action.Action}'; expected one of {string.Join(", ", Actions)}.");
        }
    }

    public static CaseSnapshot File(string id, CaseFiling filing)
    {
        var code = filing.Code;
        return new CaseSnapshot(
            id, CaseStatus.Filed, filing.Severity, code, CaseCodes.Category(CaseCodes.Normalize(code)), filing.Title,
            filing.DeviceId, filing.RuleId, filing.Lat, filing.Lon, filing.Grid, filing.Unit,
            filing.Value, filing.Value, filing.RuleId is not null, filing.At, filing.At,
            filing.At + CaseCodes.Deadline(CaseCodes.Normalize(code)), null,
            [new CaseEntry(filing.At, "file", null, CaseStatus.Filed, filing.Actor, filing.Note)]);
    }

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
