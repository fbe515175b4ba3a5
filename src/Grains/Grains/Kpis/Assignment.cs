using System.Collections.Immutable;

namespace CityOps.Grains.Kpis;

/// <summary>
/// One spell of a case with one unit: from a <c>dispatch</c> or <c>reassign</c> to the <c>return</c>, <c>reassign</c>
/// or <c>cancel</c> that ended it (<see cref="End"/> null: it still holds it). <see cref="Due"/> is the deadline as the
/// indicators count it (a postponement asked after the deadline had fallen does not move it); <see cref="Entries"/>
/// are the case's history entries inside the spell.
/// </summary>
internal sealed record Assignment(
    string Unit,
    DateTimeOffset Start,
    DateTimeOffset? End,
    string? EndedBy,
    DateTimeOffset? Due,
    ImmutableArray<HistoryEntry> Entries)
{
    /// <summary>When the handling that stands at <paramref name="at"/> was reported (not undone by a rework since); null when none stands.</summary>
    public DateTimeOffset? HandledAt(DateTimeOffset at)
    {
        var last = Entries.LastOrDefault(e => e.At <= at && e.Type is "handle" or "rework");
        return last?.Type == "handle" ? last.At : null;
    }

    public bool Has(string type, DateTimeOffset at) => Entries.Any(e => e.Type == type && e.At <= at);

    /// <summary>Deferred (挂账/缓办) at <paramref name="at"/>: a <c>defer</c> not yet followed by a <c>resume</c>.</summary>
    public bool DeferredAt(DateTimeOffset at) =>
        Entries.LastOrDefault(e => e.At <= at && e.Type is "defer" or "resume")?.Type == "defer";

    /// <summary>The unit still held the case at <paramref name="at"/>.</summary>
    public bool HeldAt(DateTimeOffset at) => Start <= at && (End is not { } end || at < end);
}
