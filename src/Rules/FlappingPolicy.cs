namespace CityOps.Rules;

/// <summary>
/// <c>flapping: { changes: 4, within: 20m }</c>: an alarm that is raised or cleared <see cref="Changes"/> times within
/// <see cref="Within"/> is flapping; it stops flapping after a quiet <see cref="Within"/> (no change at all).
/// </summary>
public sealed record FlappingPolicy(int Changes, TimeSpan Within)
{
    /// <summary>Counts a change at <paramref name="at"/> (forgetting those older than the window); true when the alarm is flapping now.</summary>
    public bool Note(List<DateTimeOffset> changes, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(changes);
        changes.RemoveAll(c => c <= at - Within);
        changes.Add(at);
        return changes.Count >= Changes;
    }

    /// <summary>When a flapping alarm with these <paramref name="changes"/> has been quiet long enough to stop flapping.</summary>
    public DateTimeOffset QuietAt(IReadOnlyList<DateTimeOffset> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return changes.Count == 0 ? DateTimeOffset.MinValue : changes[^1] + Within;
    }
}
