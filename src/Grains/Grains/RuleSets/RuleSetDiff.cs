using System.Collections.Immutable;

namespace CityOps.Grains.RuleSets;

/// <summary>Rule ids added, removed and changed from one version to the next; a rule whose meaning is unchanged is not listed.</summary>
public sealed record RuleSetDiff(ImmutableArray<string> Added, ImmutableArray<string> Removed, ImmutableArray<string> Changed)
{
    public static RuleSetDiff Between(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after) => new(
        [.. after.Keys.Where(id => !before.ContainsKey(id)).Order(StringComparer.Ordinal)],
        [.. before.Keys.Where(id => !after.ContainsKey(id)).Order(StringComparer.Ordinal)],
        [.. after.Where(r => before.TryGetValue(r.Key, out var old) && old != r.Value).Select(r => r.Key).Order(StringComparer.Ordinal)]);

    public override string ToString()
    {
        var parts = new List<string>();
        if (!Added.IsEmpty)
        {
            parts.Add("added " + string.Join(", ", Added));
        }

        if (!Removed.IsEmpty)
        {
            parts.Add("removed " + string.Join(", ", Removed));
        }

        if (!Changed.IsEmpty)
        {
            parts.Add("changed " + string.Join(", ", Changed));
        }

        return parts.Count == 0 ? "no rule changed (comments or layout only)" : string.Join("; ", parts);
    }
}
