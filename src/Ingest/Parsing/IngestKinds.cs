using System.Collections.Frozen;

namespace CityOps.Ingest.Parsing;

/// <summary>
/// What ingest knows of the device kinds (the node's kind catalog, mapped by the host): the kinds accepted in topics,
/// and the physical range of their metrics, outside which a reading is refused (<see cref="RejectReason.OutOfRange"/>).
/// Immutable, shared by every ingest thread; a kind's ranges are looked up once per message.
/// </summary>
public sealed class IngestKinds
{
    private readonly FrozenDictionary<string, MetricLimits> _limits;

    public IngestKinds(IEnumerable<string> kinds, IEnumerable<MetricRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(ranges);
        Names = [.. kinds];
        _limits = ranges.GroupBy(r => r.Kind, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => new MetricLimits(g.Key, [.. g]), StringComparer.Ordinal);
    }

    /// <summary>The contract's four kinds, without ranges.</summary>
    public static IngestKinds Default { get; } = new(TopicParser.DefaultKinds, []);

    public IReadOnlyList<string> Names { get; }

    /// <summary>The ranges of a kind's metrics; null when it has none.</summary>
    internal MetricLimits? LimitsOf(string kind) => _limits.GetValueOrDefault(kind);
}

/// <summary>The physical range of one metric of one kind (inclusive; an open side is infinite).</summary>
public readonly record struct MetricRange(string Kind, string Metric, double Min, double Max, string? Unit = null);
