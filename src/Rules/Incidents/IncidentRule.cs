namespace CityOps.Rules.Incidents;

/// <summary>
/// One entry of <c>incidents:</c> in a rule file (CONTRACT §8): the alarms of <see cref="RuleIds"/>, grouped by
/// <see cref="Group"/> (and only in <see cref="Zones"/> when given), raised within <see cref="Within"/> of each other on at
/// least <see cref="Min"/> devices, make one incident that files one case from <see cref="Case"/>.
/// </summary>
public sealed class IncidentRule
{
    public required string Id { get; init; }

    public required ImmutableArray<string> RuleIds { get; init; }

    public required IncidentGrouping Group { get; init; }

    /// <summary>Only devices in one of these zones (geofence ids) are grouped; empty for every device.</summary>
    public ImmutableArray<string> Zones { get; init; } = [];

    public required TimeSpan Within { get; init; }

    public required int Min { get; init; }

    /// <summary>The incident's case: code, title (<c>{zone.name}</c>, <c>{group}</c>, <c>{count}</c>, <c>{severity}</c>), filing policy.</summary>
    public required CaseTemplate Case { get; init; }

    public string SourceFile { get; init; } = "";

    public int SourceLine { get; init; }

    /// <summary>
    /// The key of the group a device belongs to, or null when it is in none: its first zone among <paramref name="alarmZones"/>
    /// (filtered by <see cref="Zones"/>), its grid code (or prefix), or its attribute value.
    /// </summary>
    public string? GroupKey(IReadOnlyList<string> alarmZones, string? grid, IReadOnlyDictionary<string, string>? attributes)
    {
        ArgumentNullException.ThrowIfNull(alarmZones);
        string? inZone = null;
        foreach (var zone in alarmZones)
        {
            if (Zones.IsDefaultOrEmpty || Zones.Contains(zone))
            {
                inZone = zone;
                break;
            }
        }

        if (!Zones.IsDefaultOrEmpty && inZone is null)
        {
            return null;
        }

        return Group.By switch
        {
            IncidentGroupBy.Zone => inZone,
            IncidentGroupBy.Grid when grid is { Length: > 0 } => Group.GridDigits is { } digits && grid.Length >= digits ? grid[..digits] : grid,
            IncidentGroupBy.Attribute when attributes?.GetValueOrDefault(Group.Attribute!) is { Length: > 0 } value => value,
            _ => null,
        };
    }

    /// <summary>
    /// Whether the active alarms of a group, <paramref name="active"/> (the one just reported among them), make an incident:
    /// alarms on at least <see cref="Min"/> distinct devices raised within <see cref="Within"/> of the one raised at
    /// <paramref name="raisedAt"/>. The incident grain and the replay of rule tests and backtests decide by it alike.
    /// </summary>
    public bool Forms(IEnumerable<(string DeviceId, DateTimeOffset RaisedAt)> active, DateTimeOffset raisedAt)
    {
        ArgumentNullException.ThrowIfNull(active);
        return active.Where(m => (m.RaisedAt - raisedAt).Duration() <= Within).Select(m => m.DeviceId).Distinct(StringComparer.Ordinal).Count() >= Min;
    }

    /// <summary>A canonical one-line description, to notice a changed incident rule.</summary>
    public string Definition =>
        $"rules={string.Join(',', RuleIds)} group={Group} zones={string.Join(',', Zones)} within={Durations.Format(Within)} min={Min} code={Case.Code} title={Case.Title} file={Case.File} fileFrom={Case.FileFrom}";

    public override string ToString() => $"{Id} ({SourceFile}:{SourceLine})";
}
