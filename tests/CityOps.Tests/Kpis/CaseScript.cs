using System.Text.Json;
using System.Text.Json.Nodes;
using CityOps.Grains;

namespace CityOps.Tests.Kpis;

/// <summary>
/// A case written as its history, the way the workflow records it: each step is one <see cref="HistoryEntry"/> with the
/// action's wire name as its type; dispatch and reassign name the unit in their note (<c>unit X</c>) and set the
/// deadline; postponements record the old and the new deadline in From/To. <see cref="Build"/> gives the snapshot
/// (status, unit and dueAt as they stand after the last step).
/// </summary>
internal sealed class CaseScript(string id, string grid, string? routedUnit = null)
{
    private readonly List<HistoryEntry> _history = [];
    private string _status = "filed";
    private string? _unit = routedUnit;
    private DateTimeOffset? _due;
    private DateTimeOffset _opened;

    public CaseScript File(DateTimeOffset at)
    {
        _opened = at;
        return Step(at, "file", "filed", null);
    }

    public CaseScript Dispatch(DateTimeOffset at, string unit, DateTimeOffset due)
    {
        (_unit, _due) = (unit, due);
        return Step(at, "dispatch", "dispatched", $"unit {unit}");
    }

    /// <summary>改派: another unit, the deadline set again from now.</summary>
    public CaseScript Reassign(DateTimeOffset at, string unit, DateTimeOffset due)
    {
        (_unit, _due) = (unit, due);
        return Step(at, "reassign", "dispatched", $"unit {unit}");
    }

    /// <summary>回退: the unit sends the case back to the desk, which holds it without a 处置时限 until it dispatches again.</summary>
    public CaseScript Return(DateTimeOffset at)
    {
        _due = null;
        return Step(at, "return", "filed", $"returned by unit {_unit}");
    }

    /// <summary>The sweep's note that the deadline passed unhandled.</summary>
    public CaseScript Overdue(DateTimeOffset at) => Note(at, "overdue", null, null);

    public CaseScript Handle(DateTimeOffset at) => Step(at, "handle", "handled", null);

    public CaseScript Rework(DateTimeOffset at) => Step(at, "rework", "dispatched", "verification failed");

    public CaseScript Verify(DateTimeOffset at, string by = "inspector") => Step(at, "verify", "verified", null, by);

    public CaseScript Close(DateTimeOffset at) => Step(at, "close", "closed", null);

    public CaseScript Cancel(DateTimeOffset at) => Step(at, "cancel", "cancelled", "作废");

    public CaseScript Defer(DateTimeOffset at) => Step(at, "defer", "deferred", "挂账");

    public CaseScript Resume(DateTimeOffset at) => Step(at, "resume", "dispatched", null);

    public CaseScript RequestPostpone(DateTimeOffset at) => Note(at, "request-postpone", null, null);

    public CaseScript ApprovePostpone(DateTimeOffset at, DateTimeOffset due) => Move(at, "approve-postpone", due);

    /// <summary>Today's one-step <c>postpone</c> (延期 without a request).</summary>
    public CaseScript Postpone(DateTimeOffset at, DateTimeOffset due) => Move(at, "postpone", due);

    /// <summary>
    /// The snapshot, read from its JSON (the wire form the store keeps), so the script stays independent of how the
    /// record spells its status in C#.
    /// </summary>
    public CaseSnapshot Build()
    {
        var json = new JsonObject
        {
            ["id"] = id,
            ["status"] = _status,
            ["severity"] = "yellow",
            ["code"] = "0406",
            ["category"] = "道路积水",
            ["title"] = id,
            ["grid"] = grid,
            ["unit"] = _unit,
            ["alarmActive"] = false,
            ["openedAt"] = _opened,
            ["updatedAt"] = _history[^1].At,
            ["dueAt"] = _due,
            ["closedAt"] = _status is "closed" or "cancelled" ? _history[^1].At : null,
            ["history"] = JsonSerializer.SerializeToNode(_history, CityOpsJson.Options),
        };
        return json.Deserialize<CaseSnapshot>(CityOpsJson.Options)!;
    }

    private CaseScript Move(DateTimeOffset at, string type, DateTimeOffset due)
    {
        var old = _due;
        _due = due;
        return Note(at, type, old?.ToString("O"), due.ToString("O"));
    }

    private CaseScript Step(DateTimeOffset at, string type, string to, string? note, string by = "tester")
    {
        if (_history.Count == 0 && type != "file")
        {
            File(at.AddMinutes(-5));
        }

        _history.Add(new HistoryEntry(at, type, _status, to, by, note));
        _status = to;
        return this;
    }

    private CaseScript Note(DateTimeOffset at, string type, string? from, string? to)
    {
        _history.Add(new HistoryEntry(at, type, from, to, "tester", null));
        return this;
    }
}
