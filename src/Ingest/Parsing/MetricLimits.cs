using System.Globalization;
using CityOps.Grains;

namespace CityOps.Ingest.Parsing;

/// <summary>
/// The physical ranges of one kind's metrics, as flat arrays: a reading's few metrics are each compared with the
/// kind's few names (reference-equal for the canonical names), so the check costs a handful of comparisons.
/// </summary>
internal sealed class MetricLimits
{
    private readonly string _kind;
    private readonly string[] _names;
    private readonly double[] _min;
    private readonly double[] _max;
    private readonly string?[] _units;

    public MetricLimits(string kind, IReadOnlyList<MetricRange> ranges)
    {
        _kind = kind;
        _names = [.. ranges.Select(r => string.IsInterned(r.Metric) ?? r.Metric)];
        _min = [.. ranges.Select(r => r.Min)];
        _max = [.. ranges.Select(r => r.Max)];
        _units = [.. ranges.Select(r => r.Unit)];
    }

    /// <summary>The first metric outside its range, as a reject; null when all are inside (or have no range).</summary>
    public ParseError? Check(ReadOnlySpan<Metric> metrics)
    {
        foreach (var metric in metrics)
        {
            for (var i = 0; i < _names.Length; i++)
            {
                if (string.Equals(_names[i], metric.Name, StringComparison.Ordinal))
                {
                    if (metric.Value < _min[i] || metric.Value > _max[i])
                    {
                        return new ParseError(RejectReason.OutOfRange, Describe(metric, i), null);
                    }

                    break;
                }
            }
        }

        return null;
    }

    private string Describe(Metric metric, int i) => string.Create(
        CultureInfo.InvariantCulture,
        $"metrics.{metric.Name}: {metric.Value:R} is outside the physical range of a {_kind} ({Bound(_min[i])} to {Bound(_max[i])}{(_units[i] is { } unit ? " " + unit : "")})");

    private static string Bound(double value) => double.IsInfinity(value) ? (value < 0 ? "-∞" : "∞") : value.ToString("R", CultureInfo.InvariantCulture);
}
