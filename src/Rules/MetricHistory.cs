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
    private SteadyRun[] _runs = [];
    private (long Ticks, double Value)[]? _latest; // per slot: the newest reading, kept or not
    private (long Ticks, double Value)[]? _previous; // per slot: the reading before it (jump: sees every step despite thinning)

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
        foreach (var run in _runs)
        {
            if (run.Slot < values.Length && double.IsFinite(values[run.Slot]))
            {
                run.Add(at.UtcTicks, values[run.Slot]);
            }
        }

        if (Retention <= TimeSpan.Zero)
        {
            return;
        }

        var ticks = at.UtcTicks;
        var oldest = ticks - Retention.Ticks;
        var spacing = Retention.Ticks / MaxPointsPerMetric;
        _samples ??= [.. Enumerable.Range(0, _slots).Select(_ => new Queue<(long, double)>())];
        _lastKept ??= [.. Enumerable.Repeat(long.MinValue, _slots)];
        _latest ??= [.. Enumerable.Repeat((long.MinValue, double.NaN), _slots)];
        _previous ??= [.. Enumerable.Repeat((long.MinValue, double.NaN), _slots)];
        for (var i = 0; i < _samples.Length && i < values.Length; i++)
        {
            var queue = _samples[i];
            if (double.IsFinite(values[i]))
            {
                _previous[i] = _latest[i];
                _latest[i] = (ticks, values[i]);
            }

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

    /// <summary>
    /// Follows the runs of steady values that <c>stuck:</c> rules ask about (<see cref="Steady"/>): per metric slot and
    /// tolerance, since when every value stayed within the tolerance of each other. Unlike the samples, runs are kept
    /// whatever <see cref="Retention"/> is: a six-hour stuck window costs four numbers, not six hours of samples.
    /// </summary>
    public void TrackSteady(IEnumerable<(int Slot, double Tolerance)> runs) =>
        _runs = [.. runs.Distinct().Select(r => new SteadyRun(r.Slot, r.Tolerance))];

    /// <summary>
    /// Whether the metric has held still (every value within <paramref name="tolerance"/> of each other) for at least
    /// <paramref name="span"/> before <paramref name="at"/>. False for a run not tracked (<see cref="TrackSteady"/>).
    /// </summary>
    public bool Steady(int slot, TimeSpan span, DateTimeOffset at, double tolerance)
    {
        foreach (var run in _runs)
        {
            if (run.Slot == slot && run.Tolerance == tolerance)
            {
                return run.Since != long.MinValue && at.UtcTicks - run.Since >= span.Ticks;
            }
        }

        return false;
    }

    /// <summary>The largest absolute difference between <paramref name="current"/> and a sample within <paramref name="window"/> before <paramref name="at"/>; 0 when none.</summary>
    public double LargestChange(int slot, TimeSpan window, DateTimeOffset at, double current)
    {
        var largest = 0.0;
        if (_samples is null)
        {
            return largest;
        }

        var since = at.UtcTicks - window.Ticks;
        foreach (var (ticks, value) in _samples[slot])
        {
            if (ticks >= since)
            {
                largest = Math.Max(largest, Math.Abs(current - value));
            }
        }

        // The reading before this one, which thinning may not have kept.
        var (previousTicks, previousValue) = _previous![slot];
        return previousTicks >= since && double.IsFinite(previousValue) ? Math.Max(largest, Math.Abs(current - previousValue)) : largest;
    }

    /// <summary>
    /// The least-squares line through the samples within <paramref name="window"/> before <paramref name="at"/>: its value
    /// at <paramref name="at"/> and its slope per minute. False with fewer than three samples or spanning less than half the window.
    /// </summary>
    public bool Fit(int slot, TimeSpan window, DateTimeOffset at, out double valueNow, out double slopePerMinute)
    {
        valueNow = slopePerMinute = double.NaN;
        if (_samples is null)
        {
            return false;
        }

        var since = at.UtcTicks - window.Ticks;
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, first = double.NaN;
        foreach (var (ticks, value) in _samples[slot])
        {
            if (ticks < since)
            {
                continue;
            }

            // x: minutes before now (negative), so the line's value now is its intercept.
            var x = (ticks - at.UtcTicks) / (double)TimeSpan.TicksPerMinute;
            first = double.IsNaN(first) ? x : first;
            n++;
            sx += x;
            sy += value;
            sxx += x * x;
            sxy += x * value;
        }

        var denominator = (n * sxx) - (sx * sx);
        if (n < 3 || -first < window.TotalMinutes / 2 || denominator <= 0)
        {
            return false;
        }

        slopePerMinute = ((n * sxy) - (sx * sy)) / denominator;
        valueNow = (sy - (slopePerMinute * sx)) / n;
        return true;
    }

    public void Clear()
    {
        (_samples, _lastKept, _latest, _previous) = (null, null, null, null);
        foreach (var run in _runs)
        {
            run.Since = long.MinValue;
        }
    }

    // Since when (ticks; MinValue: no value yet) the values of one slot stayed within Tolerance of each other.
    private sealed class SteadyRun(int slot, double tolerance)
    {
        public int Slot { get; } = slot;

        public double Tolerance { get; } = tolerance;

        public long Since { get; set; } = long.MinValue;

        private double _min;
        private double _max;

        public void Add(long ticks, double value)
        {
            if (Since == long.MinValue || Math.Max(_max, value) - Math.Min(_min, value) > Tolerance)
            {
                Since = ticks;
                _min = _max = value;
                return;
            }

            _min = Math.Min(_min, value);
            _max = Math.Max(_max, value);
        }
    }
}
