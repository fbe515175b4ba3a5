namespace CityOps.Rules;

/// <summary>
/// The recent values of each metric of one device, as long as the longest <c>rate()</c> window of its rules needs,
/// so <c>rate(metric, window)</c> can be answered without storage. Kept in memory only: after a restart a rate is
/// unknown until the window fills again.
/// </summary>
public sealed class MetricHistory
{
    private readonly int _slots;

    // Made on the first sample: most devices' rules use no rate(), and a city has a million devices.
    private Queue<(long Ticks, double Value)>[]? _samples;

    public MetricHistory(int slots) => _slots = slots;

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
        _samples ??= [.. Enumerable.Range(0, _slots).Select(_ => new Queue<(long, double)>())];
        for (var i = 0; i < _samples.Length && i < values.Length; i++)
        {
            var queue = _samples[i];
            if (double.IsFinite(values[i]))
            {
                queue.Enqueue((ticks, values[i]));
            }

            while (queue.Count > 0 && queue.Peek().Ticks < oldest)
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

    public void Clear() => _samples = null;
}
