using System.Globalization;

namespace CityOps.LoadTest;

/// <summary>
/// Reads CityOps' Prometheus endpoints: counters, the evaluation-lag histogram, process CPU and memory. With several
/// nodes (a cluster) every series is summed over them: readings, lag buckets, CPU seconds and memory of the whole cluster.
/// </summary>
public sealed class CityOpsProbe(IReadOnlyList<HttpClient> nodes)
{
    public CityOpsProbe(HttpClient http)
        : this([http])
    {
    }

    public async Task<Scrape> ScrapeAsync()
    {
        var texts = await Task.WhenAll(nodes.Select(n => n.GetStringAsync("/metrics")));
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        var buckets = new SortedDictionary<double, double>();
        foreach (var line in texts.SelectMany(t => t.Split('\n')))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            if (space < 0 || !double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            var series = line[..space];
            if (series.StartsWith("cityops_ingest_evaluation_lag_seconds_bucket{le=\"", StringComparison.Ordinal))
            {
                var le = series["cityops_ingest_evaluation_lag_seconds_bucket{le=\"".Length..^2];
                var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
                buckets[bound] = buckets.GetValueOrDefault(bound) + value;
                continue;
            }

            // Labelled series are summed under their name.
            var name = series.Split('{')[0];
            values[name] = values.GetValueOrDefault(name) + value;
        }

        return new Scrape(values, buckets);
    }

    public sealed record Scrape(IReadOnlyDictionary<string, double> Values, SortedDictionary<double, double> LagBuckets)
    {
        public double this[string name] => Values.GetValueOrDefault(name);

        /// <summary>Percentile (0–1) of the lag observed between <paramref name="before"/> and this scrape, in ms, interpolated within its bucket.</summary>
        public double LagPercentileMs(Scrape before, double q)
        {
            var deltas = LagBuckets.Select(b => (Le: b.Key, Count: b.Value - before.LagBuckets.GetValueOrDefault(b.Key))).ToList();
            var total = deltas.Count == 0 ? 0 : deltas[^1].Count;
            if (total <= 0)
            {
                return double.NaN;
            }

            var rank = q * total;
            var lower = 0.0;
            var below = 0.0;
            foreach (var (le, count) in deltas)
            {
                if (count >= rank)
                {
                    if (double.IsPositiveInfinity(le))
                    {
                        return lower * 1000;
                    }

                    var inBucket = count - below;
                    var fraction = inBucket <= 0 ? 1 : (rank - below) / inBucket;
                    return (lower + (le - lower) * fraction) * 1000;
                }

                lower = le;
                below = count;
            }

            return lower * 1000;
        }

        /// <summary>Upper bound of the highest bucket that received an observation, in ms (the histogram's view of the maximum).</summary>
        public double LagMaxBoundMs(Scrape before)
        {
            var previous = 0.0;
            var max = 0.0;
            foreach (var (le, count) in LagBuckets)
            {
                var delta = count - before.LagBuckets.GetValueOrDefault(le);
                if (delta > previous)
                {
                    max = le;
                }

                previous = delta;
            }

            return max * 1000;
        }
    }
}
