using System.Collections.Frozen;

namespace CityOps.Rules;

/// <summary>
/// One kind of device as configured: its metrics (each with a slot, its index here, used by compiled rules and
/// <see cref="ReadingContext.Values"/>), the 部件/事件 code of its cases when a rule names none, and how long it
/// may stay silent before it counts as offline when no offline rule says otherwise, and how often its devices report.
/// </summary>
public sealed class DeviceKind
{
    private readonly FrozenDictionary<string, int> _slots;

    public DeviceKind(string name, IEnumerable<MetricSpec> metrics, string? title = null, string? caseCode = null, TimeSpan? offlineAfter = null, TimeSpan? reportInterval = null)
    {
        ReportInterval = reportInterval;
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(metrics);
        Name = name;
        Title = title;
        CaseCode = caseCode;
        OfflineAfter = offlineAfter;
        Metrics = [.. metrics];
        MetricNames = [.. Metrics.Select(m => m.Name)];
        _slots = MetricNames.Select((m, i) => KeyValuePair.Create(m, i)).ToFrozenDictionary(StringComparer.Ordinal);
        Min = [.. Metrics.Select(m => m.Min)];
        Max = [.. Metrics.Select(m => m.Max)];
    }

    public string Name { get; }

    /// <summary>What people call it, e.g. 燃气.</summary>
    public string? Title { get; }

    /// <summary>The 部件/事件 code of a case whose rule renders no code; null: the catalog's fallback.</summary>
    public string? CaseCode { get; }

    /// <summary>Silence after which a device of this kind without an offline rule counts as offline; null: the node's default.</summary>
    public TimeSpan? OfflineAfter { get; }

    /// <summary>
    /// How often its devices report (<c>interval:</c>); null when not configured. The validator refuses a <c>predict:</c> whose
    /// <c>over</c> is shorter than two intervals: its line could never see the three readings it needs.
    /// </summary>
    public TimeSpan? ReportInterval { get; }

    public ImmutableArray<MetricSpec> Metrics { get; }

    public ImmutableArray<string> MetricNames { get; }

    /// <summary>By slot, the physical range of each metric: held once per kind, not once per device.</summary>
    internal ImmutableArray<double> Min { get; }

    internal ImmutableArray<double> Max { get; }

    public bool HasMetric(string? metric) => metric is not null && _slots.ContainsKey(metric);

    /// <summary>The slot of a metric, or -1.</summary>
    public int SlotOf(string metric) => _slots.TryGetValue(metric, out var slot) ? slot : -1;
}
