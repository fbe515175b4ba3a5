using System.Collections.Immutable;
using CityOps.Grains;
using CityOps.Ingest.Influx;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Telemetry;

/// <summary>
/// Readings that share a millisecond become separate InfluxDB points (finding 15.7): placed within the millisecond by
/// what identifies them, so a redelivery still lands on its own point. The real-server half is in InfluxWriterTests.
/// </summary>
public sealed class SharedTimestampTests
{
    private const long Ts = 1_784_535_300_000;

    [Fact]
    public void Readings_with_seq_sharing_a_millisecond_are_placed_by_seq_within_it()
    {
        var lines = new LineBuilder();
        TelemetryLines.AppendReading(lines, Point(Reading(seq: 41, depth: 1)));
        TelemetryLines.AppendReading(lines, Point(Reading(seq: 42, depth: 2)));
        TelemetryLines.AppendReading(lines, Point(Reading(seq: 1_000_007, depth: 3)));
        Assert.Equal(
            "waterlog,device=WL-1 depth_cm=1 1784535300000000041\n"
            + "waterlog,device=WL-1 depth_cm=2 1784535300000000042\n"
            + "waterlog,device=WL-1 depth_cm=3 1784535300000000007\n",
            lines.ToString());
    }

    [Fact]
    public void A_redelivered_reading_lands_on_the_same_point_in_another_batch_or_the_same_one()
    {
        foreach (var reading in new[] { Reading(seq: 7, depth: 1), Reading(seq: null, depth: 1) })
        {
            var first = new LineBuilder();
            TelemetryLines.AppendReading(first, Point(reading));
            var again = new LineBuilder();
            TelemetryLines.AppendReading(again, Point(Reading(seq: 8, depth: 9)));
            TelemetryLines.AppendReading(again, Point(reading));
            TelemetryLines.AppendReading(again, Point(reading));
            var lines = again.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(first.ToString().TrimEnd('\n'), lines[1]);
            Assert.Equal(lines[1], lines[2]);
        }
    }

    [Fact]
    public void Readings_without_seq_are_placed_by_their_metrics()
    {
        var a = TelemetryLines.NanosOf(Reading(seq: null, depth: 1));
        var b = TelemetryLines.NanosOf(Reading(seq: null, depth: 50));
        Assert.NotEqual(a, b);
        Assert.InRange(a, 0, 999_999);
        Assert.Equal(a, TelemetryLines.NanosOf(Reading(seq: null, depth: 1)));
        // Pinned: the placement must be the same in every process, or a redelivery after a restart would be a second point.
        Assert.Equal(880_227, a);
    }

    [Fact]
    public void A_different_point_at_a_taken_nanosecond_moves_to_the_next_free_one_in_the_same_millisecond()
    {
        var lines = new LineBuilder();
        lines.Measurement("m").Tag("device", "d").Field("v", 1.0).End(Ts, 999_999);
        lines.Measurement("m").Tag("device", "d").Field("v", 2.0).End(Ts, 999_999);
        lines.Measurement("m").Tag("device", "d").Field("v", 3.0).End(Ts, 999_999);
        lines.Measurement("m").Tag("device", "e").Field("v", 4.0).End(Ts, 999_999);
        lines.Measurement("m").Tag("device", "d").Field("v", 1.0).End(Ts, 999_999);
        Assert.Equal(
            "m,device=d v=1 1784535300000999999\n"
            + "m,device=d v=2 1784535300000000000\n"
            + "m,device=d v=3 1784535300000000001\n"
            + "m,device=e v=4 1784535300000999999\n"
            + "m,device=d v=1 1784535300000999999\n",
            lines.ToString());

        // Take() starts a new batch: nothing is taken any more.
        lines.Take();
        lines.Measurement("m").Tag("device", "d").Field("v", 2.0).End(Ts, 999_999);
        Assert.Equal("m,device=d v=2 1784535300000999999\n", lines.ToString());
    }

    [Fact]
    public void Timestamps_InfluxDB_cannot_store_are_sent_as_they_are_for_InfluxDB_to_refuse()
    {
        var lines = new LineBuilder();
        lines.Measurement("m").Field("v", 1.0).End(-62_135_596_800_000);
        lines.Measurement("m").Field("v", 1.0).End(-5, 3);
        Assert.Equal("m v=1 -62135596800000000000\nm v=1 -4999997\n", lines.ToString());
    }

    [Fact]
    public void A_spill_file_written_in_milliseconds_before_the_upgrade_is_replayed_in_nanoseconds()
    {
        using var folder = new TempFolder("spill-legacy");
        File.WriteAllText(folder.Combine("spill-00000003.lp"), "waterlog,device=a depth_cm=1 1784535300000\nwaterlog,device=b depth_cm=2 1784535300001\nwaterlog,device=torn dep");
        using (var spill = new SpillFolder(folder.Path, long.MaxValue))
        {
            spill.Append(new LineChunk("waterlog,device=c depth_cm=3 1784535300002000005\n"u8.ToArray(), 1), onlyIfActive: false);
            Assert.True(spill.TryTakeOldest(out var legacy));
            Assert.True(legacy.Milliseconds);
            Assert.Equal(
                "waterlog,device=a depth_cm=1 1784535300000000000\nwaterlog,device=b depth_cm=2 1784535300001000000\n",
                System.Text.Encoding.UTF8.GetString(Assert.Single(legacy.Read(100)).Bytes));
            Assert.True(spill.TryTakeOldest(out var current));
            Assert.False(current.Milliseconds);
            Assert.Equal("spill-00000004.ns.lp", Path.GetFileName(current.File));
            Assert.Equal("waterlog,device=c depth_cm=3 1784535300002000005\n", System.Text.Encoding.UTF8.GetString(Assert.Single(current.Read(100)).Bytes));
        }
    }

    private static Reading Reading(long? seq, double depth) =>
        new("WL-1", "waterlog", Ts, seq, ImmutableArray.Create(new Metric("depth_cm", depth)));

    private static TelemetryPoint Point(Reading reading) => new(reading, null, null);
}
