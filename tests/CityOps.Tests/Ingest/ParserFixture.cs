using System.Buffers;
using System.Text;
using CityOps.Grains;
using CityOps.Ingest.Parsing;
using Microsoft.Extensions.Time.Testing;

namespace CityOps.Tests.Ingest;

/// <summary>Shared clock, topic and helpers for the parser tests.</summary>
internal static class ParserFixture
{
    public static readonly DateTimeOffset Now = new(2026, 7, 20, 8, 20, 0, TimeSpan.Zero);

    public static readonly TelemetryTopic Waterlog = new("waterlog", "wl-0042");

    public static FakeTimeProvider Clock() => new(Now);

    public static (List<Reading> Readings, List<ParseError> Errors) Parse(string json) =>
        Parse(Encoding.UTF8.GetBytes(json));

    public static (List<Reading> Readings, List<ParseError> Errors) Parse(byte[] payload)
    {
        var parser = new PayloadParser(Clock());
        var readings = new List<Reading>();
        var errors = new List<ParseError>();
        parser.Parse(Waterlog, new ReadOnlySequence<byte>(payload), readings, errors);
        return (readings, errors);
    }

    public static Reading ParseOne(string json)
    {
        var (readings, errors) = Parse(json);
        Assert.Empty(errors);
        return Assert.Single(readings);
    }

    public static ParseError Reject(string json) => Reject(Encoding.UTF8.GetBytes(json));

    public static ParseError Reject(byte[] payload)
    {
        var (readings, errors) = Parse(payload);
        Assert.Empty(readings);
        return Assert.Single(errors);
    }

    public static double Metric(Reading reading, string name)
    {
        Assert.True(reading.TryGetMetric(name, out var value), $"metric {name} missing");
        return value;
    }

    public static long Ms(string rfc3339) => DateTimeOffset.Parse(rfc3339, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
}
