using System.Buffers;
using System.Text;
using CityOps.Grains;
using CityOps.Ingest.Parsing;
using static CityOps.Tests.Ingest.ParserFixture;

namespace CityOps.Tests.Ingest;

public class PayloadParserRejectTests
{
    [Fact]
    public void Payload_of_70_KiB_is_too_large()
    {
        var json = "{\"metrics\": {\"depth_cm\": 1}, \"pad\": \"" + new string('x', 70 * 1024) + "\"}";
        var error = Reject(json);
        Assert.Equal(RejectReason.TooLarge, error.Reason);
        Assert.Null(error.Index);
    }

    [Fact]
    public void Payload_one_byte_over_64_KiB_is_too_large_even_if_not_json()
    {
        Assert.Equal(RejectReason.TooLarge, Reject(new byte[PayloadParser.MaxPayloadBytes + 1]).Reason);
    }

    [Fact]
    public void Too_large_multi_segment_payload_is_too_large()
    {
        var parser = new PayloadParser(Clock());
        var readings = new List<Reading>();
        var errors = new List<ParseError>();
        parser.Parse(Waterlog, Segments.Split(new byte[100_000], 4096), readings, errors);
        Assert.Equal(RejectReason.TooLarge, Assert.Single(errors).Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \r\n\t ")]
    [InlineData("[]")]
    [InlineData(" [ ] ")]
    public void Empty_payload_or_empty_batch_is_empty(string json)
    {
        Assert.Equal(RejectReason.Empty, Reject(json).Reason);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("{")]
    [InlineData("{\"metrics\": {\"depth_cm\": 1}")]
    [InlineData("{\"metrics\": {\"depth_cm\": 1}} x")]
    [InlineData("{\"metrics\": {\"depth_cm\": 1}}{\"metrics\": {\"depth_cm\": 2}}")]
    [InlineData("{\"metrics\": {\"depth_cm\": 1},}")]
    [InlineData("{'metrics': {'depth_cm': 1}}")]
    [InlineData("{\"metrics\": {\"depth_cm\": 1}} // comment")]
    [InlineData("{\"metrics\": {\"depth_cm\": NaN}}")]
    [InlineData("{\"metrics\": {\"depth_cm\": Infinity}}")]
    [InlineData("{\"metrics\": {\"depth_cm\": 01}}")]
    [InlineData("{\"metrics\": {\"depth_cm\": \"a\nb\"}}")]
    public void Malformed_json_is_not_json(string json)
    {
        var error = Reject(json);
        Assert.Equal(RejectReason.NotJson, error.Reason);
        Assert.Null(error.Index);
    }

    [Fact]
    public void Invalid_utf8_bytes_are_not_json()
    {
        var bytes = "{\"metrics\": {\"depth_cm\": 1}, \"note\": \"\0\0\"}"u8.ToArray();
        var at = Array.IndexOf(bytes, (byte)0);
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28;
        Assert.Equal(RejectReason.NotJson, Reject(bytes).Reason);
    }

    [Fact]
    public void Invalid_utf8_in_metric_name_is_not_json()
    {
        byte[] bytes = [.. "{\"metrics\": {\""u8, 0xFF, 0xFE, .. "\": 1}}"u8];
        Assert.Equal(RejectReason.NotJson, Reject(bytes).Reason);
    }

    [Fact]
    public void Syntax_error_late_in_a_batch_rejects_the_whole_message()
    {
        var (readings, errors) = Parse("""[{"metrics": {"a": 1}}, {"metrics": {"a": "x"}}, {"metrics": {"a": 1}} garbage""");
        Assert.Empty(readings);
        var error = Assert.Single(errors);
        Assert.Equal(RejectReason.NotJson, error.Reason);
        Assert.Null(error.Index);
    }

    [Fact]
    public void Rejected_message_leaves_earlier_output_untouched()
    {
        var parser = new PayloadParser(Clock());
        var readings = new List<Reading>();
        var errors = new List<ParseError>();
        parser.Parse(Waterlog, new ReadOnlySequence<byte>("""{"metrics": {"a": 1}}"""u8.ToArray()), readings, errors);
        parser.Parse(Waterlog, new ReadOnlySequence<byte>("""[{"metrics": {"a": 2}}, oops]"""u8.ToArray()), readings, errors);
        Assert.Equal(1, Assert.Single(readings).Metrics[0].Value);
        Assert.Equal(RejectReason.NotJson, Assert.Single(errors).Reason);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\"text\"")]
    [InlineData("true")]
    [InlineData("null")]
    public void Top_level_scalar_is_bad_shape(string json)
    {
        Assert.Equal(RejectReason.BadShape, Reject(json).Reason);
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("[null]")]
    [InlineData("[\"x\"]")]
    [InlineData("[[{\"metrics\": {\"a\": 1}}]]")]
    public void Batch_element_that_is_not_an_object_is_bad_shape_with_its_index(string json)
    {
        var error = Reject(json);
        Assert.Equal(RejectReason.BadShape, error.Reason);
        Assert.Equal(0, error.Index);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"ts\": \"2026-07-20T08:15:00Z\"}")]
    [InlineData("{\"metrics\": {}}")]
    [InlineData("{\"metrics\": [1, 2]}")]
    [InlineData("{\"metrics\": 5}")]
    [InlineData("{\"metrics\": null}")]
    [InlineData("{\"metrics\": {\"a\": 1}, \"lat\": 35.3}")]
    [InlineData("{\"metrics\": {\"a\": 1}, \"lon\": 113.9}")]
    public void Missing_empty_or_non_object_metrics_and_half_positions_are_bad_shape(string json)
    {
        Assert.Equal(RejectReason.BadShape, Reject(json).Reason);
    }

    [Fact]
    public void Ten_thousand_deep_array_is_rejected_without_throwing()
    {
        var json = new string('[', 10_000) + new string(']', 10_000);
        var error = Reject(json);
        Assert.Contains(error.Reason, new[] { RejectReason.BadShape, RejectReason.NotJson });
    }

    [Fact]
    public void Five_thousand_deep_object_in_metrics_is_rejected_without_throwing()
    {
        // 5,000 levels, because 10,000 of {"b": would exceed the size limit before the parser saw them.
        var json = "{\"metrics\": {\"a\": " + string.Concat(Enumerable.Repeat("{\"b\": ", 5_000)) + "1" + new string('}', 5_002);
        var error = Reject(json);
        Assert.Contains(error.Reason, new[] { RejectReason.BadShape, RejectReason.NotJson });
    }

    [Fact]
    public void Deep_unknown_field_is_rejected_as_bad_shape()
    {
        var json = "{\"metrics\": {\"a\": 1}, \"x\": " + new string('[', 20) + new string(']', 20) + "}";
        Assert.Equal(RejectReason.BadShape, Reject(json).Reason);
    }

    [Theory]
    [InlineData("\"12.5\"", "a string")]
    [InlineData("null", "null")]
    [InlineData("{\"v\": 1}", "an object")]
    [InlineData("[1]", "an array")]
    public void Non_numeric_metric_value_is_bad_type_naming_the_metric(string value, string got)
    {
        var error = Reject($$$"""{"metrics": {"battery_pct": 80, "depth_cm": {{{value}}}}}""");
        Assert.Equal(RejectReason.BadType, error.Reason);
        Assert.Equal($"metrics.depth_cm: expected a number, got {got}", error.Message);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void NaN_or_infinity_string_is_bad_type(string word)
    {
        var error = Reject($$$"""{"metrics": {"depth_cm": "{{{word}}}"}}""");
        Assert.Equal(RejectReason.BadType, error.Reason);
        Assert.StartsWith("metrics.depth_cm:", error.Message, StringComparison.Ordinal);
        Assert.Contains(word, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("1.8e308")]
    public void Number_beyond_double_range_is_not_finite(string number)
    {
        var error = Reject($$$"""{"metrics": {"depth_cm": {{{number}}}}}""");
        Assert.Equal(RejectReason.NotFinite, error.Reason);
        Assert.StartsWith("metrics.depth_cm:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sixty_thousand_digit_number_is_not_finite_with_a_short_message()
    {
        var error = Reject("{\"metrics\": {\"x\": " + new string('9', 60_000) + "}}");
        Assert.Equal(RejectReason.NotFinite, error.Reason);
        Assert.True(error.Message.Length < 200, error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("depth-cm")]
    [InlineData("depth cm")]
    [InlineData("tiefe_ü")]
    [InlineData("a,b")]
    [InlineData("a=b")]
    public void Invalid_metric_name_is_bad_type(string name)
    {
        Assert.Equal(RejectReason.BadType, Reject($$$"""{"metrics": {"{{{name}}}": 1}}""").Reason);
    }

    [Fact]
    public void Metric_name_of_65_characters_is_bad_type()
    {
        Assert.Equal(RejectReason.BadType, Reject($$$"""{"metrics": {"{{{new string('m', 65)}}}": 1}}""").Reason);
    }

    [Fact]
    public void More_than_256_metrics_is_bad_shape()
    {
        var metrics = string.Join(",", Enumerable.Range(0, 257).Select(i => $"\"m{i}\": {i}"));
        Assert.Equal(RejectReason.BadShape, Reject("{\"metrics\": {" + metrics + "}}").Reason);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("\"7\"")]
    [InlineData("true")]
    [InlineData("[1]")]
    [InlineData("9223372036854775808")]
    public void Seq_that_is_not_a_non_negative_integer_is_bad_type(string seq)
    {
        var error = Reject($$$"""{"seq": {{{seq}}}, "metrics": {"depth_cm": 1}}""");
        Assert.Equal(RejectReason.BadType, error.Reason);
        Assert.StartsWith("seq:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("90.0001", "0")]
    [InlineData("-91", "0")]
    [InlineData("0", "180.5")]
    [InlineData("0", "-181")]
    [InlineData("\"35.3\"", "113.9")]
    [InlineData("35.3", "true")]
    [InlineData("1e400", "0")]
    public void Out_of_range_or_non_numeric_lat_lon_is_bad_type(string lat, string lon)
    {
        Assert.Equal(RejectReason.BadType, Reject($$$"""{"metrics": {"a": 1}, "lat": {{{lat}}}, "lon": {{{lon}}}}""").Reason);
    }

    [Theory]
    [InlineData("\"2026-07-20T08:15:00\"")]
    [InlineData("\"2026-07-20T08:15:00.123\"")]
    public void Timestamp_without_offset_is_bad_timestamp(string ts)
    {
        var error = Reject($$$"""{"ts": {{{ts}}}, "metrics": {"depth_cm": 1}}""");
        Assert.Equal(RejectReason.BadTimestamp, error.Reason);
        Assert.Contains("offset", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"2026-07-20\"")]
    [InlineData("\"20 July 2026\"")]
    [InlineData("\"2026-13-01T00:00:00Z\"")]
    [InlineData("\"2026-02-30T00:00:00Z\"")]
    [InlineData("\"2026-07-20T24:00:00Z\"")]
    [InlineData("\"2026-07-20T08:60:00Z\"")]
    [InlineData("\"2026-07-20T08:15:00.Z\"")]
    [InlineData("\"2026-07-20T08:15:00+0800\"")]
    [InlineData("\"2026-07-20T08:15:00+24:00\"")]
    [InlineData("\"2026-07-20T08:15:00Z \"")]
    [InlineData("\"+2026-07-20T08:15:00Z\"")]
    [InlineData("\"\"")]
    [InlineData("-1")]
    [InlineData("1784535300.5")]
    [InlineData("1.7845353e12")]
    [InlineData("1784535300")]
    [InlineData("0")]
    [InlineData("\"1999-12-31T23:59:59Z\"")]
    [InlineData("99999999999999999")]
    [InlineData("99999999999999999999")]
    [InlineData("true")]
    [InlineData("{}")]
    public void Unparseable_negative_or_absurd_timestamp_is_bad_timestamp(string ts)
    {
        var error = Reject($$$"""{"ts": {{{ts}}}, "metrics": {"depth_cm": 1}}""");
        Assert.Equal(RejectReason.BadTimestamp, error.Reason);
        Assert.StartsWith("ts:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"2026-07-21T08:20:00.001Z\"")]
    [InlineData("\"2027-01-01T00:00:00+08:00\"")]
    [InlineData("1784708400001")]
    public void Timestamp_more_than_a_day_ahead_is_future_timestamp(string ts)
    {
        var error = Reject($$$"""{"ts": {{{ts}}}, "metrics": {"depth_cm": 1}}""");
        Assert.Equal(RejectReason.FutureTimestamp, error.Reason);
    }

    [Fact]
    public void Batch_with_one_bad_element_keeps_the_others()
    {
        var (readings, errors) = Parse("""
            [
              {"seq": 1, "metrics": {"depth_cm": 10}},
              {"seq": 2, "metrics": {"depth_cm": "deep"}},
              {"seq": 3, "metrics": {"depth_cm": 30}}
            ]
            """);

        Assert.Equal([1L, 3L], readings.Select(r => r.Seq!.Value));
        var error = Assert.Single(errors);
        Assert.Equal(new ParseError(RejectReason.BadType, "metrics.depth_cm: expected a number, got a string", 1), error);
    }

    [Fact]
    public void Batch_reports_each_bad_element_with_its_own_reason_and_index()
    {
        var (readings, errors) = Parse("""
            [
              {"metrics": {"a": 1e400}, "ts": 1},
              {"ts": "2030-01-01T00:00:00Z", "metrics": {"a": 1}},
              7,
              {"metrics": {"a": 1}},
              {"metrics": {"a": {"b": [[[1]]]}}, "seq": 5},
              {"metrics": {}}
            ]
            """);

        Assert.Single(readings);
        Assert.Equal(
            [
                (RejectReason.NotFinite, (int?)0),
                (RejectReason.FutureTimestamp, 1),
                (RejectReason.BadShape, 2),
                (RejectReason.BadType, 4),
                (RejectReason.BadShape, 5),
            ],
            errors.Select(e => (e.Reason, e.Index)));
    }

    [Fact]
    public void Error_messages_do_not_echo_huge_values()
    {
        var error = Reject("{\"metrics\": {\"" + new string('n', 30_000) + "\": 1}}");
        Assert.Equal(RejectReason.BadType, error.Reason);
        Assert.True(error.Message.Length < 200, error.Message);
    }
}
