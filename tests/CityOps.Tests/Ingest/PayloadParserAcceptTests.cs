using System.Buffers;
using System.Globalization;
using System.Text;
using CityOps.Grains;
using CityOps.Ingest.Parsing;
using static CityOps.Tests.Ingest.ParserFixture;

namespace CityOps.Tests.Ingest;

public class PayloadParserAcceptTests
{
    [Fact]
    public void Contract_example_object_yields_one_reading_with_every_field()
    {
        var reading = ParseOne("""
            {"ts": "2026-07-20T08:15:00Z", "seq": 1042, "metrics": {"depth_cm": 23.5, "battery_pct": 81}, "lat": 35.3031, "lon": 113.9264}
            """);

        Assert.Equal("wl-0042", reading.DeviceId);
        Assert.Equal("waterlog", reading.Kind);
        Assert.Equal(Ms("2026-07-20T08:15:00Z"), reading.TimestampMs);
        Assert.Equal(1042, reading.Seq);
        Assert.Equal([new Metric("depth_cm", 23.5), new Metric("battery_pct", 81)], reading.Metrics.ToArray());
        Assert.Equal(35.3031, reading.Lat);
        Assert.Equal(113.9264, reading.Lon);
    }

    [Fact]
    public void Array_of_objects_yields_one_reading_per_element_in_order()
    {
        var (readings, errors) = Parse("""
            [{"seq": 1, "metrics": {"depth_cm": 1}}, {"seq": 2, "metrics": {"depth_cm": 2}}, {"seq": 3, "metrics": {"depth_cm": 3}}]
            """);

        Assert.Empty(errors);
        Assert.Equal([1L, 2L, 3L], readings.Select(r => r.Seq!.Value));
        Assert.All(readings, r => Assert.Equal("wl-0042", r.DeviceId));
    }

    [Theory]
    [InlineData("2026-07-20T08:15:00Z", "2026-07-20T08:15:00Z")]
    [InlineData("2026-07-20T16:15:00+08:00", "2026-07-20T08:15:00Z")]
    [InlineData("2026-07-20T03:45:00-04:30", "2026-07-20T08:15:00Z")]
    [InlineData("2026-07-20T08:15:00-00:00", "2026-07-20T08:15:00Z")]
    [InlineData("2026-07-20t08:15:00z", "2026-07-20T08:15:00Z")]
    [InlineData("2026-07-20 08:15:00Z", "2026-07-20T08:15:00Z")]
    [InlineData("2026-07-20T08:15:00.5Z", "2026-07-20T08:15:00.500Z")]
    [InlineData("2026-07-20T08:15:00.123Z", "2026-07-20T08:15:00.123Z")]
    [InlineData("2026-07-20T08:15:00.123456789Z", "2026-07-20T08:15:00.123Z")]
    [InlineData("2026-07-20T16:15:00.25+08:00", "2026-07-20T08:15:00.250Z")]
    [InlineData("2026-06-30T23:59:60Z", "2026-06-30T23:59:59.999Z")]
    public void Rfc3339_timestamp_with_offset_is_converted_to_utc_milliseconds(string ts, string expectedUtc)
    {
        var reading = ParseOne($$$"""{"ts": "{{{ts}}}", "metrics": {"depth_cm": 1}}""");
        Assert.Equal(Ms(expectedUtc), reading.TimestampMs);
    }

    [Fact]
    public void Escaped_characters_in_timestamp_are_unescaped_first()
    {
        var reading = ParseOne("""{"ts": "2026-07-20T08:15:00\u005A", "metrics": {"depth_cm": 1}}""");
        Assert.Equal(Ms("2026-07-20T08:15:00Z"), reading.TimestampMs);
    }

    [Fact]
    public void Epoch_milliseconds_number_is_the_timestamp()
    {
        var reading = ParseOne("""{"ts": 1784535300123, "metrics": {"depth_cm": 1}}""");
        Assert.Equal(1784535300123, reading.TimestampMs);
    }

    [Fact]
    public void Missing_timestamp_uses_the_clock_now()
    {
        var reading = ParseOne("""{"metrics": {"depth_cm": 1}}""");
        Assert.Equal(Now.ToUnixTimeMilliseconds(), reading.TimestampMs);
    }

    [Fact]
    public void Missing_timestamp_follows_the_fake_clock()
    {
        var clock = Clock();
        clock.Advance(TimeSpan.FromMinutes(7));
        var parser = new PayloadParser(clock);
        var readings = new List<Reading>();
        var errors = new List<ParseError>();

        parser.Parse(Waterlog, new ReadOnlySequence<byte>("""{"metrics": {"depth_cm": 1}}"""u8.ToArray()), readings, errors);

        Assert.Empty(errors);
        Assert.Equal(Now.AddMinutes(7).ToUnixTimeMilliseconds(), Assert.Single(readings).TimestampMs);
    }

    [Fact]
    public void Null_optional_fields_count_as_absent()
    {
        var reading = ParseOne("""{"ts": null, "seq": null, "lat": null, "lon": null, "metrics": {"depth_cm": 1}}""");
        Assert.Equal(Now.ToUnixTimeMilliseconds(), reading.TimestampMs);
        Assert.Null(reading.Seq);
        Assert.Null(reading.Lat);
        Assert.Null(reading.Lon);
    }

    [Fact]
    public void Timestamp_up_to_one_day_ahead_is_accepted()
    {
        var ts = Now.AddDays(1).ToUnixTimeMilliseconds();
        var reading = ParseOne($$$"""{"ts": {{{ts}}}, "metrics": {"depth_cm": 1}}""");
        Assert.Equal(ts, reading.TimestampMs);
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Seq_is_a_non_negative_integer(string json, long expected)
    {
        var reading = ParseOne($$$"""{"seq": {{{json}}}, "metrics": {"depth_cm": 1}}""");
        Assert.Equal(expected, reading.Seq);
    }

    [Fact]
    public void Missing_seq_is_null()
    {
        Assert.Null(ParseOne("""{"metrics": {"depth_cm": 1}}""").Seq);
    }

    [Theory]
    [InlineData(-90, -180)]
    [InlineData(90, 180)]
    [InlineData(0, 0)]
    [InlineData(35.3031, 113.9264)]
    public void Lat_lon_within_range_are_kept(double lat, double lon)
    {
        var reading = ParseOne($$$"""{"metrics": {"speed_kmh": 40}, "lat": {{{lat.ToString("R", CultureInfo.InvariantCulture)}}}, "lon": {{{lon.ToString("R", CultureInfo.InvariantCulture)}}}}""");
        Assert.Equal(lat, reading.Lat);
        Assert.Equal(lon, reading.Lon);
    }

    [Fact]
    public void Booleans_become_one_and_zero()
    {
        var reading = ParseOne("""{"metrics": {"open": true, "lid_closed": false}}""");
        Assert.Equal(1, Metric(reading, "open"));
        Assert.Equal(0, Metric(reading, "lid_closed"));
    }

    [Fact]
    public void Largest_finite_double_is_accepted()
    {
        Assert.Equal(1e308, Metric(ParseOne("""{"metrics": {"x": 1e308}}"""), "x"));
    }

    [Fact]
    public void Negative_zero_is_accepted_as_zero()
    {
        var value = Metric(ParseOne("""{"metrics": {"temp_c": -0}}"""), "temp_c");
        Assert.Equal(0, value);
        Assert.False(double.IsNegative(value));
    }

    [Fact]
    public void Tiny_number_underflows_to_zero()
    {
        Assert.Equal(0, Metric(ParseOne("""{"metrics": {"x": 1e-400}}"""), "x"));
    }

    [Fact]
    public void Duplicate_metric_key_keeps_the_last_value()
    {
        var reading = ParseOne("""{"metrics": {"depth_cm": 1, "battery_pct": 80, "depth_cm": 2}}""");
        Assert.Equal([new Metric("depth_cm", 2), new Metric("battery_pct", 80)], reading.Metrics.ToArray());
    }

    [Fact]
    public void Duplicate_top_level_key_keeps_the_last_value()
    {
        var reading = ParseOne("""{"seq": 1, "metrics": {"a": 1}, "seq": 2, "metrics": {"b": 2}}""");
        Assert.Equal(2, reading.Seq);
        Assert.Equal([new Metric("b", 2)], reading.Metrics.ToArray());
    }

    [Fact]
    public void Unknown_top_level_keys_are_ignored()
    {
        var reading = ParseOne("""
            {"fw": "1.2.3", "extra": {"nested": [1, {"deep": true}]}, "metrics": {"depth_cm": 5}, "rssi": -71}
            """);
        Assert.Equal(5, Metric(reading, "depth_cm"));
    }

    [Fact]
    public void Canonical_metric_names_are_shared_instances()
    {
        var first = ParseOne("""{"metrics": {"depth_cm": 1}}""");
        var second = ParseOne("""{"metrics": {"depth_cm": 2}}""");
        Assert.Same(first.Metrics[0].Name, second.Metrics[0].Name);
    }

    [Fact]
    public void Custom_metric_names_are_accepted_and_shared()
    {
        var first = ParseOne("""{"metrics": {"Humidity_RH_2": 55}}""");
        var second = ParseOne("""{"metrics": {"Humidity_RH_2": 56}}""");
        Assert.Equal("Humidity_RH_2", first.Metrics[0].Name);
        Assert.Same(first.Metrics[0].Name, second.Metrics[0].Name);
    }

    [Fact]
    public void Escaped_metric_name_is_unescaped()
    {
        var reading = ParseOne("""{"metrics": {"depth\u005fcm": 3}}""");
        Assert.Equal(3, Metric(reading, "depth_cm"));
    }

    [Fact]
    public void Metric_name_of_64_characters_is_accepted()
    {
        var name = new string('m', 64);
        Assert.Equal(1, Metric(ParseOne($$$"""{"metrics": {"{{{name}}}": 1}}"""), name));
    }

    [Fact]
    public void Every_canonical_metric_of_every_kind_is_accepted()
    {
        var reading = ParseOne("""
            {"metrics": {"depth_cm": 1, "tilt_deg": 2, "open": 0, "water_gap_cm": 3, "gas_ch4_lel": 4, "battery_pct": 5,
             "temp_c": -6.5, "on": 1, "current_a": 0.04, "voltage_v": 229.8, "power_w": 9.2, "speed_kmh": 33,
             "heading_deg": 270, "lid_closed": 1}}
            """);
        Assert.Equal(14, reading.Metrics.Length);
    }

    [Fact]
    public void Byte_order_mark_and_whitespace_around_the_payload_are_tolerated()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(" \r\n\t{\"metrics\": {\"depth_cm\": 1}}\n "u8.ToArray()).ToArray();
        var (readings, errors) = Parse(bytes);
        Assert.Empty(errors);
        Assert.Single(readings);
    }

    [Fact]
    public void Payload_split_across_segments_is_parsed()
    {
        // Segments of 2 bytes cut the 3-byte characters of the note, which must still count as valid UTF-8.
        var bytes = Encoding.UTF8.GetBytes("""[{"note": "智能井盖", "ts": "2026-07-20T08:15:00Z", "metrics": {"temp_c": 21.5}}]""");
        var sequence = Segments.Split(bytes, 2);
        Assert.False(sequence.IsSingleSegment);
        var parser = new PayloadParser(Clock());
        var readings = new List<Reading>();
        var errors = new List<ParseError>();

        parser.Parse(Waterlog, sequence, readings, errors);

        Assert.Empty(errors);
        Assert.Equal(21.5, Metric(Assert.Single(readings), "temp_c"));
    }

    [Fact]
    public void Payload_of_exactly_64_KiB_is_parsed()
    {
        var prefix = "{\"metrics\": {\"depth_cm\": 1}, \"pad\": \"";
        const string suffix = "\"}";
        var json = prefix + new string('x', PayloadParser.MaxPayloadBytes - prefix.Length - suffix.Length) + suffix;
        Assert.Equal(PayloadParser.MaxPayloadBytes, Encoding.UTF8.GetByteCount(json));
        ParseOne(json);
    }

    [Fact]
    public void Readings_are_appended_after_existing_list_content()
    {
        var parser = new PayloadParser(Clock());
        var readings = new List<Reading>();
        var errors = new List<ParseError>();
        parser.Parse(Waterlog, new ReadOnlySequence<byte>("""{"metrics": {"a": 1}}"""u8.ToArray()), readings, errors);
        parser.Parse(Waterlog, new ReadOnlySequence<byte>("""{"metrics": {"a": 2}}"""u8.ToArray()), readings, errors);
        Assert.Empty(errors);
        Assert.Equal([1.0, 2.0], readings.Select(r => r.Metrics[0].Value));
    }
}
