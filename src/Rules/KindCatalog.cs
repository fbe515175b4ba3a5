using System.Collections.Frozen;

namespace CityOps.Rules;

/// <summary>
/// The device kinds a node knows (CONTRACT section 2 and section 8): built in are the four kinds of the contract
/// (<see cref="Default"/>); <c>kinds.yaml</c> beside the rules and the <c>CityOps:Kinds</c> section add kinds or change
/// them (<see cref="With"/>). Fixed for the life of a process: topics, payload ranges, rule validation and judging all
/// read the same instance. Immutable.
/// </summary>
public sealed class KindCatalog
{
    /// <summary>The code of a case whose rule renders none and whose kind has no code: 0199, 其他公用设施.</summary>
    public const string FallbackCaseCode = "0199";

    private static readonly DeviceKind[] _builtIn =
    [
        new("manhole", [
            new("tilt_deg", "°", 0, 180), new("open", null, 0, 1), new("water_gap_cm", "cm", -100, 2000),
            new("gas_ch4_lel", "% LEL", 0, 100), new("battery_pct", "%", 0, 100), new("temp_c", "°C", -60, 125)], "智能井盖"),
        new("waterlog", [new("depth_cm", "cm", 0, 1000), new("battery_pct", "%", 0, 100)], "积水监测", "0406"),
        new("streetlight", [
            new("on", null, 0, 1), new("current_a", "A", 0, 100), new("voltage_v", "V", 0, 1000), new("power_w", "W", 0, 100_000)], "单灯控制器", "0118"),
        new("vehicle", [new("speed_kmh", "km/h", 0, 300), new("heading_deg", "°", 0, 360), new("lid_closed", null, 0, 1)], "渣土车/环卫车", "2101"),
    ];

    private readonly FrozenDictionary<string, DeviceKind> _byName;

    public KindCatalog(IEnumerable<DeviceKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        All = [.. kinds];
        Kinds = [.. All.Select(k => k.Name)];
        _byName = All.ToFrozenDictionary(k => k.Name, StringComparer.Ordinal);
    }

    /// <summary>The built-in kinds: manhole, waterlog, streetlight, vehicle.</summary>
    public static KindCatalog Default { get; } = new(_builtIn);

    /// <summary>Kind names, in the order they were defined.</summary>
    public ImmutableArray<string> Kinds { get; }

    public ImmutableArray<DeviceKind> All { get; }

    public DeviceKind? Find(string? kind) => kind is not null && _byName.TryGetValue(kind, out var found) ? found : null;

    /// <summary>The kind, or a kind with no metrics (a device registered under a kind this node does not know).</summary>
    public DeviceKind Get(string kind) => Find(kind) ?? new DeviceKind(kind, []);

    public bool IsKnownKind(string? kind) => kind is not null && _byName.ContainsKey(kind);

    public bool IsKnownMetric(string? kind, string? metric) => Find(kind) is { } found && found.HasMetric(metric);

    /// <summary>The metric names of a kind; empty for an unknown kind.</summary>
    public ImmutableArray<string> MetricsOf(string kind) => Find(kind)?.MetricNames ?? [];

    /// <summary>The index of a metric among <see cref="MetricsOf"/> its kind (its slot in <see cref="ReadingContext.Values"/>), or -1.</summary>
    public int SlotOf(string kind, string metric) => Find(kind)?.SlotOf(metric) ?? -1;

    /// <summary>The case code of a kind when its rule names none: its own, else <see cref="FallbackCaseCode"/>.</summary>
    public string DefaultCaseCode(string kind) => Find(kind)?.CaseCode ?? FallbackCaseCode;

    /// <summary>
    /// This catalog with <paramref name="definitions"/> laid over it, in order: a new kind is added after the known ones;
    /// for a known kind, each field given replaces the one before, and its metrics are changed field by field or added.
    /// </summary>
    public KindCatalog With(IEnumerable<KindDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var kinds = All.ToList();
        foreach (var definition in definitions)
        {
            var index = kinds.FindIndex(k => k.Name == definition.Name);
            var before = index >= 0 ? kinds[index] : null;
            var metrics = before?.Metrics.ToList() ?? [];
            foreach (var metric in definition.Metrics)
            {
                var at = metrics.FindIndex(m => m.Name == metric.Name);
                var old = at >= 0 ? metrics[at] : new MetricSpec(metric.Name);
                var merged = new MetricSpec(metric.Name, metric.Unit ?? old.Unit, metric.Min ?? old.Min, metric.Max ?? old.Max);
                if (at >= 0)
                {
                    metrics[at] = merged;
                }
                else
                {
                    metrics.Add(merged);
                }
            }

            var kind = new DeviceKind(
                definition.Name, metrics, definition.Title ?? before?.Title, definition.Code ?? before?.CaseCode, definition.Offline ?? before?.OfflineAfter,
                definition.Interval ?? before?.ReportInterval);
            if (index >= 0)
            {
                kinds[index] = kind;
            }
            else
            {
                kinds.Add(kind);
            }
        }

        return new KindCatalog(kinds);
    }
}
