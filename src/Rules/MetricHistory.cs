namespace CityOps.Rules;

/// <summary>
/// The recent values of each metric of one device, as long as the longest <c>rate()</c> window of its rules needs,
/// so <c>rate(metric, window)</c> can be answered without storage. Kept in memory only: after a restart a rate is
/// unknown until the window fills again. At most <see cref="MaxPointsPerMetric"/> samples are kept per metric, at least
/// <c>Retention / MaxPointsPerMetric</c> apart: a device sending thousands of readings a second inside one window
/// costs no more memory than one sending a reading every few seconds. <c>rate()</c> reads the oldest sample in its window,
/// so thinning shifts that sample by at most that spacing.
/// </summary>
public sealed class MetricHistory
{
    private readonly int _slots;

    // Made on the first sample: most devices' rules use no rate(), and a city has a million devices.
    private Queue<(long Ticks, double Value)>[]? _samples;
    private long[]? _lastKept; // per slot: the ticks of the newest sample kept

    /// <summary>The hard cap of samples kept per metric, whatever the rate of readings.</summary>
    public const int MaxPointsPerMetric = 512;

    public MetricHistory(int slots) => _slots = slots;

    /// <summary>The samples kept of one metric (for tests and diagnostics).</summary>
    public int Count(int slot) => _samples is null ? 0 : _samples[slot].Count;

    /// <summary>How long samples are kept; zero keeps nothing.</summary>
    public TimeSpan Retention { get; set; }

    /// <summary>Records the reading's values (NaN = not in this reading) and forgets what is older than <see cref="Retention"/>.</summary>
    public void Add(DateTimeOffset at, ReadOnlySpan<double> values)
    {
        if (Retention <= TimeSpan.Zero)
        {
            return;
        }

        var ticks = at.UtcTicks;
        var oldest = ticks - Retention.Ticks;
        var spacing = Retention.Ticks / MaxPointsPerMetric;
        _samples ??= [.. Enumerable.Range(0, _slots).Select(_ => new Queue<(long, double)>())];
        _lastKept ??= [.. Enumerable.Repeat(long.MinValue, _slots)];
        for (var i = 0; i < _samples.Length && i < values.Length; i++)
        {
            var queue = _samples[i];
            // A sample too close after the last one kept is not kept: rate() needs the oldest, not every one.
            if (double.IsFinite(values[i]) && (queue.Count == 0 || ticks - _lastKept[i] >= spacing))
            {
                queue.Enqueue((ticks, values[i]));
                _lastKept[i] = ticks;
            }

            while (queue.Count > 0 && (queue.Peek().Ticks < oldest || queue.Count > MaxPointsPerMetric))
            {
                queue.Dequeue();
            }
        }
    }

    /// <summary>
    /// Change per minute from the oldest sample within <paramref name="window"/> before <paramref name="at"/> to
    /// <paramref name="current"/>; NaN when there is no earlier sample in the window.
    /// </summary>
    public double Rate(int slot, TimeSpan window, DateTimeOffset at, double current)
    {
        if (_samples is null)
        {
            return double.NaN;
        }

        var since = at.UtcTicks - window.Ticks;
        foreach (var (ticks, value) in _samples[slot])
        {
            if (ticks < since)
            {
                continue;
            }

            var minutes = (at.UtcTicks - ticks) / (double)TimeSpan.TicksPerMinute;
            return minutes > 0 ? (current - value) / minutes : double.NaN;
        }

        return double.NaN;
    }

    public void Clear() => (_samples, _lastKept) = (null, null);
}
