using CityOps.Ingest.Parsing;

namespace CityOps.Tests.Ingest;

public class TopicParserTests
{
    private readonly TopicParser _parser = new();

    [Theory]
    [InlineData("city/manhole/MH-001/telemetry", "manhole", "MH-001")]
    [InlineData("city/waterlog/wl_0042/telemetry", "waterlog", "wl_0042")]
    [InlineData("city/streetlight/sl.17.a/telemetry", "streetlight", "sl.17.a")]
    [InlineData("city/vehicle/X/telemetry", "vehicle", "X")]
    public void Valid_topic_yields_kind_and_device_id(string topic, string kind, string deviceId)
    {
        Assert.True(_parser.TryParse(topic, out var parsed, out _, out var error), error);
        Assert.Equal(new TelemetryTopic(kind, deviceId), parsed);
    }

    [Fact]
    public void Device_id_of_64_characters_is_accepted()
    {
        var id = new string('a', 64);
        Assert.True(_parser.TryParse($"city/manhole/{id}/telemetry", out var parsed, out _, out _));
        Assert.Equal(id, parsed.DeviceId);
    }

    [Fact]
    public void Kind_is_the_same_string_instance_for_every_message()
    {
        Assert.True(_parser.TryParse("city/manhole/a/telemetry", out var first, out _, out _));
        Assert.True(_parser.TryParse("city/manhole/b/telemetry", out var second, out _, out _));
        Assert.Same(first.Kind, second.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("city/+/MH-001/telemetry")]
    [InlineData("city/manhole/+/telemetry")]
    [InlineData("city/manhole/#")]
    [InlineData("city/#")]
    [InlineData("city/manhole/MH-001/telemetry/extra")]
    [InlineData("city/manhole/MH-001/sub/telemetry")]
    [InlineData("city/manhole/telemetry")]
    [InlineData("city/manhole//telemetry")]
    [InlineData("city//MH-001/telemetry")]
    [InlineData("/city/manhole/MH-001/telemetry")]
    [InlineData("City/manhole/MH-001/telemetry")]
    [InlineData("city/manhole/MH-001/status")]
    [InlineData("city/manhole/MH 001/telemetry")]
    [InlineData("city/manhole/MH:001/telemetry")]
    [InlineData("city/manhole/设备/telemetry")]
    [InlineData("city/telemetry")]
    [InlineData("city/manhole/./telemetry")]
    [InlineData("city/manhole/../telemetry")]
    public void Malformed_topic_is_bad_topic(string topic)
    {
        Assert.False(_parser.TryParse(topic, out _, out var reason, out var error));
        Assert.Equal(RejectReason.BadTopic, reason);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Theory]
    [InlineData("MH-001\n")]
    [InlineData(".")]
    [InlineData("..")]
    public void Device_ids_the_api_cannot_serve_are_not_device_ids(string id) =>
        Assert.False(TopicParser.IsValidDeviceId(id));

    [Fact]
    public void Null_topic_is_bad_topic()
    {
        Assert.False(_parser.TryParse(null!, out _, out var reason, out _));
        Assert.Equal(RejectReason.BadTopic, reason);
    }

    [Fact]
    public void Device_id_of_65_characters_is_bad_topic()
    {
        Assert.False(_parser.TryParse($"city/manhole/{new string('a', 65)}/telemetry", out _, out var reason, out _));
        Assert.Equal(RejectReason.BadTopic, reason);
    }

    [Fact]
    public void Device_id_of_10_KB_is_bad_topic_without_echoing_it()
    {
        var id = new string('a', 10 * 1024);
        Assert.False(_parser.TryParse($"city/manhole/{id}/telemetry", out _, out var reason, out var error));
        Assert.Equal(RejectReason.BadTopic, reason);
        Assert.True(error.Length < 200, error);
    }

    [Theory]
    [InlineData("city/drone/D1/telemetry")]
    [InlineData("city/Manhole/MH-001/telemetry")]
    public void Unknown_kind_is_unknown_kind(string topic)
    {
        Assert.False(_parser.TryParse(topic, out _, out var reason, out var error));
        Assert.Equal(RejectReason.UnknownKind, reason);
        Assert.Contains("manhole", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Configured_kinds_replace_the_default_set()
    {
        var parser = new TopicParser(["manhole", "drone"]);
        Assert.True(parser.TryParse("city/drone/D1/telemetry", out var parsed, out _, out _));
        Assert.Equal("drone", parsed.Kind);
        Assert.False(parser.TryParse("city/vehicle/V1/telemetry", out _, out var reason, out _));
        Assert.Equal(RejectReason.UnknownKind, reason);
    }

    [Fact]
    public void Default_parser_accepts_the_four_contract_kinds()
    {
        Assert.Equal(["manhole", "streetlight", "vehicle", "waterlog"], _parser.Kinds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Empty_kind_set_is_refused_at_construction()
    {
        Assert.Throws<ArgumentException>(() => new TopicParser([]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("+")]
    [InlineData("with space")]
    public void Invalid_configured_kind_is_refused_at_construction(string kind)
    {
        Assert.Throws<ArgumentException>(() => new TopicParser([kind]));
    }
}
