using System.Collections.Immutable;
using System.Globalization;

namespace CityOps.Grains.Kpis;

/// <summary>
/// Reads a case's history, by the entries' wire names, into the spells it spent with units (<see cref="Assignment"/>).
/// Only the history and the snapshot are used:
/// <list type="bullet">
/// <item>a spell starts at <c>dispatch</c> or <c>reassign</c> and ends at <c>return</c>, the next <c>reassign</c> or <c>cancel</c>;
/// <c>rework</c> stays in the spell;</item>
/// <item>its unit: the snapshot's unit for the last spell; for earlier ones, the <c>unit X</c> that starts the entry's note
/// (as <c>dispatch</c> writes it), or a <c>reassign</c> entry's <c>To</c> when that is not a status or a time;</item>
/// <item>its deadline: the snapshot's <c>dueAt</c> for the last spell (unless a <c>return</c> ended it: the desk then
/// holds the case and <c>dueAt</c> is not the unit's), undone back through the postponements (<c>postpone</c>,
/// <c>approve-postpone</c>: <c>From</c> → <c>To</c>); for another spell, the <c>From</c> of the entry that ended it when
/// that is a time, else the time of the spell's <c>overdue</c> entry (the sweep saw its deadline pass), else the last
/// spell's limit counted from the spell's own start;</item>
/// <item>a postponement counts only when it was asked (<c>request-postpone</c>, or the <c>postpone</c> itself) no later
/// than the deadline then in force: one asked after the deadline fell leaves the deadline where it fell.</item>
/// </list>
/// </summary>
internal static class CaseTimeline
{
    private static readonly HashSet<string> Statuses = new(StringComparer.Ordinal)
    {
        "filed", "dispatched", "handled", "verified", "closed", "cancelled", "deferred",
    };

    public static DateTimeOffset? CancelledAt(CaseSnapshot c) => c.History.FirstOrDefault(e => e.Type == "cancel")?.At;

    public static IReadOnlyList<Assignment> Read(CaseSnapshot c)
    {
        var spells = new List<(HistoryEntry Begin, HistoryEntry? Ended)>();
        HistoryEntry? open = null;
        foreach (var e in c.History)
        {
            switch (e.Type)
            {
                case "dispatch" or "reassign":
                    if (open is not null)
                    {
                        spells.Add((open, e));
                    }

                    open = e;
                    break;
                case "return" or "cancel" when open is not null:
                    spells.Add((open, e));
                    open = null;
                    break;
            }
        }

        if (open is not null)
        {
            spells.Add((open, null));
        }

        if (spells.Count == 0)
        {
            return [];
        }

        // The last spell's deadline before its first postponement gives the limit earlier spells are counted by.
        var (lastBegin, lastEnd) = spells[^1];
        var lastHasDue = lastEnd?.Type != "return";
        var lastEntries = Inside(c, lastBegin.At, lastEnd?.At);
        TimeSpan? limit = lastHasDue ? FirstDue(lastEntries, c.DueAt) - lastBegin.At : null;

        var result = new List<Assignment>(spells.Count);
        for (var i = 0; i < spells.Count; i++)
        {
            var (begin, ended) = spells[i];
            var last = i == spells.Count - 1;
            var entries = last ? lastEntries : Inside(c, begin.At, ended?.At);
            var endDue = last && lastHasDue ? c.DueAt
                : Time(ended?.From) ?? entries.FirstOrDefault(e => e.Type == "overdue")?.At ?? begin.At + limit;
            var unit = last ? c.Unit ?? UnitOf(begin) : UnitOf(begin) ?? "(unknown)";
            result.Add(new Assignment(unit ?? "(none)", begin.At, ended?.At, ended?.Type, CountedDue(entries, endDue), entries));
        }

        return result;
    }

    /// <summary>The deadline the indicators count: postponements asked in time move it, one asked late does not.</summary>
    private static DateTimeOffset? CountedDue(ImmutableArray<HistoryEntry> entries, DateTimeOffset? endDue)
    {
        var due = FirstDue(entries, endDue);
        var allCounted = true;
        DateTimeOffset? asked = null;
        foreach (var e in entries)
        {
            if (e.Type is "request-postpone" or "reject-postpone")
            {
                asked = e.Type == "request-postpone" ? e.At : null;
                continue;
            }

            if (e.Type is not ("postpone" or "approve-postpone"))
            {
                continue;
            }

            var askedAt = e.Type == "postpone" ? e.At : asked ?? e.At;
            asked = null;
            if (due is { } d && askedAt > d)
            {
                allCounted = false;
                continue;
            }

            due = Time(e.To) ?? due;
        }

        // Every postponement counted: the deadline in force now (which may also have been shortened since).
        return allCounted ? endDue : due;
    }

    /// <summary>The deadline before the first postponement of the spell.</summary>
    private static DateTimeOffset? FirstDue(ImmutableArray<HistoryEntry> entries, DateTimeOffset? endDue) =>
        entries.FirstOrDefault(e => e.Type is "postpone" or "approve-postpone") is { } first ? Time(first.From) ?? endDue : endDue;

    private static ImmutableArray<HistoryEntry> Inside(CaseSnapshot c, DateTimeOffset start, DateTimeOffset? end) =>
        [.. c.History.Where(e => e.At >= start && (end is not { } stop || e.At < stop))];

    private static string? UnitOf(HistoryEntry e)
    {
        if (e.Note is { } note && note.StartsWith("unit ", StringComparison.Ordinal))
        {
            var rest = note[5..];
            var cut = rest.IndexOfAny([';', ' ']);
            return cut < 0 ? rest : rest[..cut];
        }

        return e.Type == "reassign" && e.To is { Length: > 0 } to && !Statuses.Contains(to) && Time(to) is null ? to : null;
    }

    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;
}
