using System.Text;
using CityOps.Api.Hosting;
using CityOps.Grains;
using CityOps.Ingest.Parsing;
using CityOps.Rules;

namespace CityOps.Tests.Ingest;

/// <summary>
/// A reading outside its kind's physical range is not bad input at the edge: it reaches the device, where the value is no
/// value for the rules and a <c>range:</c> rule raises a sensor fault (SensorFaultGrainTests). The edge checks the form only.
/// </summary>
public class PhysicalRangeTests
{
    private static readonly IngestKinds Kinds = KindCatalog.Default
        .With([new KindDefinition("gas", [new MetricDefinition("ch4_lel", "% LEL", 0, 100)])])
        .ToIngestKinds();

    private static (List<Reading> Readings, List<ParseError> Errors) Parse(string kind, string json)
    {
        var parser = new PayloadParser(ParserFixture.Clock(), Kinds);
        var readings = new List<Reading>();
        var errors = new List<ParseError>();
        parser.Parse(new TelemetryTopic(kind, "dev-1"), Encoding.UTF8.GetBytes(json), readings, errors);
        return (readings, errors);
    }

    [Fact]
    public void A_reading_outside_the_range_reaches_the_device_with_its_value_as_sent()
    {
        var (readings, errors) = Parse("waterlog", """{"metrics": {"battery_pct": 50, "depth_cm": 1200}}""");

        Assert.Empty(errors);
        Assert.Equal(1200, ParserFixture.Metric(Assert.Single(readings), "depth_cm"));
    }

    [Fact]
    public void In_a_gateway_batch_every_element_goes_on_in_range_or_not()
    {
        var (readings, errors) = Parse("gas", """[{"metrics": {"ch4_lel": 5}}, {"metrics": {"ch4_lel": -0.5}}, {"metrics": {"ch4_lel": 7}}]""");

        Assert.Empty(errors);
        Assert.Equal([5.0, -0.5, 7.0], readings.Select(r => ParserFixture.Metric(r, "ch4_lel")));
    }

    [Fact]
    public void Ingest_kinds_follow_the_catalog_topics()
    {
        Assert.Equal(["manhole", "waterlog", "streetlight", "vehicle", "gas"], Kinds.Names);
        var topics = new TopicParser(Kinds.Names);
        Assert.True(topics.TryParse("city/gas/G-1/telemetry", out var topic, out _, out _));
        Assert.Equal("gas", topic.Kind);
        Assert.False(topics.TryParse("city/drone/D-1/telemetry", out _, out var reason, out _));
        Assert.Equal(RejectReason.UnknownKind, reason);
    }
}
