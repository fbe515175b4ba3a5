using CityOps.Rules;

namespace CityOps.Tests.Rules;

public class DurationsTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    [InlineData("30s", 30)]
    [InlineData("90s", 90)]
    [InlineData("1m", 60)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("1h30m", 5400)]
    [InlineData("2d", 172800)]
    [InlineData("1d2h3m4s", 93784)]
    [InlineData(" 10m ", 600)]
    public void Engineer_durations_parse(string text, int seconds)
    {
        Assert.True(Durations.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("m")]
    [InlineData("1.5h")]
    [InlineData("-5m")]
    [InlineData("30m1h")]
    [InlineData("1h1h")]
    [InlineData("5 minutes")]
    [InlineData("10x")]
    [InlineData("9999999999d")]
    [InlineData(null)]
    public void Malformed_durations_are_refused(string? text)
    {
        Assert.False(Durations.TryParse(text, out _));
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(45, "45s")]
    [InlineData(5400, "1h30m")]
    [InlineData(90061, "1d1h1m1s")]
    public void Durations_format_back_to_rule_file_spelling(int seconds, string expected)
    {
        Assert.Equal(expected, Durations.Format(TimeSpan.FromSeconds(seconds)));
        Assert.True(Durations.TryParse(expected, out var back));
        Assert.Equal(TimeSpan.FromSeconds(seconds), back);
    }
}
