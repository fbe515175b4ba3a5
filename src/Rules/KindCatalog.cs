using System.Collections.Frozen;
using System.Collections.Immutable;

namespace CityOps.Rules;

/// <summary>The canonical device kinds, the metrics each one reports (CONTRACT section 2) and their defaults.</summary>
public static class KindCatalog
{
    private static readonly FrozenDictionary<string, ImmutableArray<string>> _metrics = new Dictionary<string, ImmutableArray<string>>(StringComparer.Ordinal)
    {
        ["manhole"] = ["tilt_deg", "open", "water_gap_cm", "gas_ch4_lel", "battery_pct", "temp_c"],
        ["waterlog"] = ["depth_cm", "battery_pct"],
        ["streetlight"] = ["on", "current_a", "voltage_v", "power_w"],
        ["vehicle"] = ["speed_kmh", "heading_deg", "lid_closed"],
        ["lampcabinet"] = ["voltage_v", "door_open"],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // The 部件/事件 code a case gets when its rule's code renders empty: waterlogging, a street light, a muck truck off its route.
    private static readonly FrozenDictionary<string, string> _caseCodes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["waterlog"] = "0406",
        ["streetlight"] = "0118",
        ["vehicle"] = "2101",
        ["lampcabinet"] = "0118",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static ImmutableArray<string> Kinds { get; } = ["manhole", "waterlog", "streetlight", "vehicle", "lampcabinet"];

    /// <summary>The case code of a kind when its rule names none: its usual code, else 0199.</summary>
    public static string DefaultCaseCode(string kind) => _caseCodes.GetValueOrDefault(kind, "0199");

    public static bool IsKnownKind(string? kind) => kind is not null && _metrics.ContainsKey(kind);

    public static bool IsKnownMetric(string? kind, string? metric) =>
        kind is not null && metric is not null && _metrics.TryGetValue(kind, out var metrics) && metrics.Contains(metric);

    /// <summary>The metrics of a kind; empty for an unknown kind.</summary>
    public static ImmutableArray<string> MetricsOf(string kind) => _metrics.TryGetValue(kind, out var metrics) ? metrics : [];

    /// <summary>The index of a metric among <see cref="MetricsOf"/> its kind (its slot in <see cref="ReadingContext.Values"/>), or -1.</summary>
    public static int SlotOf(string kind, string metric) => _metrics.TryGetValue(kind, out var metrics) ? metrics.IndexOf(metric) : -1;
}
