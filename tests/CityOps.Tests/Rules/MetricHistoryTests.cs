using CityOps.Rules;

namespace CityOps.Tests.Rules;

public class MetricHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_device_flooding_readings_inside_one_window_keeps_at_most_the_cap_of_samples()
    {
        var history = new MetricHistory(1) { Retention = TimeSpan.FromMinutes(5) };

        // 100,000 readings within 4 minutes (one every 2.4 ms): the old history kept every one.
        for (var i = 0; i < 100_000; i++)
        {
            history.Add(T0.AddTicks(i * 24_000L), [i]);
        }

        Assert.InRange(history.Count(0), 1, MetricHistory.MaxPointsPerMetric);
    }

    [Fact]
    public void Rate_stays_right_when_samples_are_thinned()
    {
        var history = new MetricHistory(1) { Retention = TimeSpan.FromMinutes(5) };
        var end = T0;
        for (var i = 0; i < 30_000; i++)
        {
            // Rising 1 per minute, a reading every 10 ms.
            end = T0.AddMilliseconds(i * 10);
            history.Add(end, [(end - T0).TotalMinutes]);
        }

        var rate = history.Rate(0, TimeSpan.FromMinutes(5), end, (end - T0).TotalMinutes);

        Assert.Equal(1.0, rate, 6);
    }

    [Fact]
    public void Samples_older_than_the_longest_window_are_forgotten()
    {
        var history = new MetricHistory(1) { Retention = TimeSpan.FromMinutes(1) };
        for (var i = 0; i < 600; i++)
        {
            history.Add(T0.AddSeconds(i), [i]);
        }

        // One sample kept at most every 60 s / cap, none older than a minute.
        Assert.InRange(history.Count(0), 60, 61);
    }
}
