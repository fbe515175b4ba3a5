using CityOps.Rules;

namespace CityOps.Tests.Rules;

/// <summary>Sunrise and sunset from <see cref="SolarPosition"/> against published almanac times (NOAA / timeanddate.com).</summary>
public class SolarPositionTests
{
    public static TheoryData<string, double, double, string, string, string> Published => new()
    {
        // city, lat, lon, date (local), sunrise and sunset in UTC
        { "London", 51.5074, -0.1278, "2024-06-21", "2024-06-21T03:43Z", "2024-06-21T20:21Z" },
        { "New York", 40.7128, -74.0060, "2024-12-21", "2024-12-21T12:16Z", "2024-12-21T21:32Z" },
        { "Beijing", 39.9042, 116.4074, "2024-06-21", "2024-06-20T20:46Z", "2024-06-21T11:46Z" },
        { "Sydney", -33.8688, 151.2093, "2024-12-21", "2024-12-20T18:41Z", "2024-12-21T09:05Z" },
    };

    [Theory]
    [MemberData(nameof(Published))]
    public void Sunrise_and_sunset_match_published_times_within_two_minutes(string city, double lat, double lon, string date, string sunrise, string sunset)
    {
        var rise = DateTimeOffset.Parse(sunrise, System.Globalization.CultureInfo.InvariantCulture);
        var set = DateTimeOffset.Parse(sunset, System.Globalization.CultureInfo.InvariantCulture);

        var foundRise = Crossing(lat, lon, rise.AddHours(-1), rise.AddHours(1));
        var foundSet = Crossing(lat, lon, set.AddHours(-1), set.AddHours(1));

        Assert.True(Math.Abs((foundRise - rise).TotalMinutes) <= 2, $"{city} {date}: sunrise computed {foundRise:u}, published {rise:u}");
        Assert.True(Math.Abs((foundSet - set).TotalMinutes) <= 2, $"{city} {date}: sunset computed {foundSet:u}, published {set:u}");
        Assert.True(SolarPosition.IsNight(lat, lon, rise.AddMinutes(-10)));
        Assert.False(SolarPosition.IsNight(lat, lon, rise.AddMinutes(10)));
        Assert.False(SolarPosition.IsNight(lat, lon, set.AddMinutes(-10)));
        Assert.True(SolarPosition.IsNight(lat, lon, set.AddMinutes(10)));
    }

    [Fact]
    public void Sun_is_high_at_local_noon_in_summer_and_below_the_horizon_at_midnight()
    {
        var noon = new DateTimeOffset(2026, 7, 20, 4, 30, 0, TimeSpan.Zero); // 12:30 in China
        Assert.InRange(SolarPosition.AltitudeDegrees(35.3, 113.9, noon), 70, 80);
        Assert.True(SolarPosition.AltitudeDegrees(35.3, 113.9, noon.AddHours(12)) < -30);
    }

    // Bisection on the altitude crossing the sunrise/sunset line between two times that straddle it.
    private static DateTimeOffset Crossing(double lat, double lon, DateTimeOffset from, DateTimeOffset to)
    {
        var nightAtStart = SolarPosition.IsNight(lat, lon, from);
        Assert.NotEqual(nightAtStart, SolarPosition.IsNight(lat, lon, to));
        while (to - from > TimeSpan.FromSeconds(1))
        {
            var middle = from + ((to - from) / 2);
            if (SolarPosition.IsNight(lat, lon, middle) == nightAtStart)
            {
                from = middle;
            }
            else
            {
                to = middle;
            }
        }

        return from;
    }
}
