using System.Text;
using CityOps.Api.Hosting;
using CityOps.Grains;
using CityOps.Ingest.Parsing;
using CityOps.Rules;

namespace CityOps.Tests.Ingest;

/// <summary>A reading outside its kind's physical range (the kind catalog) is bad input: refused with its reason, never judged.</summary>
public class PhysicalRangeTests
{
    private static readonly IngestKinds Kinds = KindCatalog.Default
        .With([new KindDefinition("gas", [new MetricDefinition("ch4_lel", "% LEL", 0, 100), new MetricDefinition("note_code")])])
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
    public void A_reading_outside_the_range_is_refused_with_the_metric_the_value_and_the_range()
    {
        var (readings, errors) = Parse("waterlog", """{"metrics": {"battery_pct": 50, "depth_cm": 1200}}""");

        Assert.Empty(readings);
        var error = Assert.Single(errors);
        Assert.Equal(RejectReason.OutOfRange, error.Reason);
        Assert.Equal("metrics.depth_cm: 1200 is outside the physical range of a waterlog (0 to 1000 cm)", error.Message);
        Assert.Null(error.Index);
        Assert.Equal("out_of_range", RejectReasons.Label(error.Reason));
    }

    [Theory]
    [InlineData("""{"metrics": {"ch4_lel": 0}}""")]
    [InlineData("""{"metrics": {"ch4_lel": 100}}""")]
    [InlineData("""{"metrics": {"ch4_lel": 12.5, "note_code": -7, "vendor_x": 1e9}}""")]
    public void Values_on_the_bounds_metrics_without_a_range_and_unknown_metrics_are_accepted(string json)
    {
        var (readings, errors) = Parse("gas", json);

        Assert.Empty(errors);
        Assert.Single(readings);
    }

    [Fact]
    public void In_a_gateway_batch_only_the_element_outside_the_range_is_refused_with_its_index()
    {
        var (readings, errors) = Parse("gas", """[{"metrics": {"ch4_lel": 5}}, {"metrics": {"ch4_lel": -0.5}}, {"metrics": {"ch4_lel": 7}}]""");

        Assert.Equal([5.0, 7.0], readings.Select(r => ParserFixture.Metric(r, "ch4_lel")));
        var error = Assert.Single(errors);
        Assert.Equal((RejectReason.OutOfRange, 1), (error.Reason, error.Index));
        Assert.StartsWith("metrics.ch4_lel: -0.5 is outside the physical range of a gas (0 to 100 % LEL)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_catalog_nothing_is_range_checked()
    {
        var (readings, errors) = ParserFixture.Parse("""{"metrics": {"depth_cm": 5000}}""");

        Assert.Empty(errors);
        Assert.Single(readings);
    }

    [Fact]
    public void Ingest_kinds_follow_the_catalog_topics_and_ranges()
    {
        Assert.Equal(["manhole", "waterlog", "streetlight", "vehicle", "gas"], Kinds.Names);
        var topics = new TopicParser(Kinds.Names);
        Assert.True(topics.TryParse("city/gas/G-1/telemetry", out var topic, out _, out _));
        Assert.Equal("gas", topic.Kind);
        Assert.False(topics.TryParse("city/drone/D-1/telemetry", out _, out var reason, out _));
        Assert.Equal(RejectReason.UnknownKind, reason);
    }
}
