using System.Collections.Immutable;
using CityOps.Grains;
using CityOps.Ingest.Influx;

namespace CityOps.Tests.Telemetry;

public sealed class LineBuilderTests
{
    [Fact]
    public void Measurement_escapes_commas_and_spaces_but_not_equals_signs()
    {
        var lines = new LineBuilder();
        lines.Measurement("my meas,x=1").Field("v", 1.0).End(1);
        Assert.Equal("my\\ meas\\,x=1 v=1 1000000\n", lines.ToString());
    }

    [Fact]
    public void Tag_keys_values_and_field_keys_escape_commas_equals_signs_and_spaces()
    {
        var lines = new LineBuilder();
        lines.Measurement("m").Tag("tag k=1", "va,l u=e").Field("f k=,1", 1.5).End(1700000000000);
        Assert.Equal("m,tag\\ k\\=1=va\\,l\\ u\\=e f\\ k\\=\\,1=1.5 1700000000000000000\n", lines.ToString());
    }

    [Fact]
    public void String_fields_escape_quotes_and_backslashes_and_keep_non_ascii_text()
    {
        var lines = new LineBuilder();
        lines.Measurement("cases").Tag("unit", "西街 中队").Field("title", "井盖 \"倾斜\" a\\b").End(5);
        Assert.Equal("cases,unit=西街\\ 中队 title=\"井盖 \\\"倾斜\\\" a\\\\b\" 5000000\n", lines.ToString());
    }

    [Fact]
    public void Field_types_are_float_integer_bool_and_string()
    {
        var lines = new LineBuilder();
        lines.Measurement("m").Field("f", 23.5).Field("e", 1e-5).Field("z", -0.0).Field("i", 42L).Field("b", true).Field("s", "x").End(7);
        Assert.Equal("m f=23.5,e=1E-05,z=-0,i=42i,b=true,s=\"x\" 7000000\n", lines.ToString());
    }

    [Fact]
    public void What_line_protocol_cannot_carry_is_left_out_or_replaced()
    {
        var lines = new LineBuilder();
        lines.Measurement("m").Tag("grid", null).Tag("unit", "").Tag("k", "end\\").Field("nan", double.NaN).Field("inf", double.PositiveInfinity)
            .Field("s", "two\nlines").Field("v", 1.0).End(1);
        lines.Measurement("nofields").Tag("device", "d").Field("nan", double.NaN).End(2);
        Assert.Equal("m,k=end/ s=\"two lines\",v=1 1000000\n", lines.ToString());
        Assert.Equal(1, lines.Lines);
    }

    [Fact]
    public void Reading_becomes_a_point_in_its_kind_measurement_with_device_grid_and_unit_tags()
    {
        var lines = new LineBuilder();
        var reading = new Reading("WL-1", "waterlog", 1784535300000, 3, [new Metric("depth_cm", 23.5), new Metric("battery_pct", 81)], 35.3031, 113.9264);
        TelemetryLines.AppendReading(lines, new TelemetryPoint(reading, "410702001001001", "water-east"));
        Assert.Equal("waterlog,device=WL-1,grid=410702001001001,unit=water-east depth_cm=23.5,battery_pct=81,lat=35.3031,lon=113.9264 1784535300000000003\n", lines.ToString());
    }

    [Fact]
    public void Case_change_becomes_a_point_in_cases_with_its_id_as_a_string_field()
    {
        var lines = new LineBuilder();
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1784535300000);
        var snapshot = new CaseSnapshot("20260720-081500-abc123", CaseStatus.Filed, Severity.Red, "0406", "道路积水", "道路积水 55.5 cm", "WL-1", "waterlog-depth",
            35.3, 113.9, "410702001001001", "water-east", 55.5, 55.5, true, at, at, null, null, ImmutableArray<HistoryEntry>.Empty, CodeType: CodeType.Event);
        TelemetryLines.AppendCase(lines, "case.filed", snapshot, 0);
        Assert.Equal(
            "cases,code=0406,device=WL-1,severity=red,status=filed,unit=water-east id=\"20260720-081500-abc123\",event=\"case.filed\",value=55.5,peak=55.5,"
            + "title=\"道路积水 55.5 cm\",grid=\"410702001001001\",rule=\"waterlog-depth\",alarm_active=true,category=\"道路积水\",code_type=\"event\" 1784535300000655815\n",
            lines.ToString());
    }

    [Fact]
    public void Two_changes_of_one_case_in_one_millisecond_are_two_points()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1784535300000);
        var snapshot = new CaseSnapshot("20260720-081500-abc123", CaseStatus.Filed, Severity.Red, "0406", "道路积水", "道路积水 55.5 cm", "WL-1", "waterlog-depth",
            35.3, 113.9, "410702001001001", "water-east", 55.5, 55.5, true, at, at, null, null, ImmutableArray<HistoryEntry>.Empty, CodeType: CodeType.Event);
        var lines = new LineBuilder();
        TelemetryLines.AppendCase(lines, "case.updated", snapshot, 41);
        TelemetryLines.AppendCase(lines, "case.updated", snapshot with { Value = 57 }, 42);

        // Same measurement, tags and millisecond: only the timestamp's nanoseconds keep InfluxDB from keeping the last alone.
        var stamps = lines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[(l.LastIndexOf(' ') + 1)..]).ToList();
        Assert.Equal(2, stamps.Distinct().Count());
        Assert.All(stamps, s => Assert.StartsWith("1784535300000", s, StringComparison.Ordinal));
    }

    [Fact]
    public void Take_hands_over_complete_lines_and_starts_empty()
    {
        var lines = new LineBuilder(16);
        for (var i = 0; i < 100; i++)
        {
            lines.Measurement("m").Tag("device", "d" + i).Field("v", i).End(i);
        }

        var chunk = lines.Take();
        Assert.Equal(100, chunk.Lines);
        Assert.Equal(0, lines.Lines);
        Assert.Equal(0, lines.Length);
        var pieces = chunk.Split(30).ToList();
        Assert.Equal([30, 30, 30, 10], pieces.Select(p => p.Lines));
        Assert.Equal(chunk.Bytes, pieces.SelectMany(p => p.Bytes));
        var (first, second) = chunk.Halve();
        Assert.Equal((50, 50), (first.Lines, second.Lines));
        Assert.Equal(chunk.Bytes, first.Bytes.Concat(second.Bytes));
    }
}
