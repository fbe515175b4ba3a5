using System.Buffers;
using System.Text;
using CityOps.Grains;
using CityOps.Ingest.Parsing;
using CityOps.Tests.Infrastructure;
using Xunit.Abstractions;
using static CityOps.Tests.Ingest.ParserFixture;

namespace CityOps.Tests.Ingest;

public class PayloadParserFuzzTests(ITestOutputHelper output)
{

    private static readonly string[] _seeds =
    [
        """{"ts": "2026-07-20T08:15:00Z", "seq": 1042, "metrics": {"depth_cm": 23.5, "battery_pct": 81}, "lat": 35.3031, "lon": 113.9264}""",
        """{"ts": 1784535300000, "metrics": {"open": true, "tilt_deg": -0, "gas_ch4_lel": 1e-3}}""",
        """[{"seq": 1, "metrics": {"on": 1, "current_a": 0.04}}, {"seq": 2, "metrics": {"on": false, "power_w": 9.25}, "note": "路灯"}]""",
        """{"ts": "2026-07-20T16:15:00.123+08:00", "metrics": {"speed_kmh": 42, "heading_deg": 270, "lid_closed": 1}, "lat": 35.1, "lon": 113.2, "extra": {"a": [1, 2, {"b": null}]}}""",
        """{"metrics": {"depth\u005fcm": 1.5e2, "x_1": 1E+2}, "seq": 0}""",
    ];

    // Tokens that push the parser into its edge cases more often than random bytes would.
    private static readonly byte[][] _tokens =
    [
        "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), "\""u8.ToArray(), ","u8.ToArray(),
        ":"u8.ToArray(), "\\"u8.ToArray(), "\\u00"u8.ToArray(), "1e400"u8.ToArray(), "NaN"u8.ToArray(),
        "null"u8.ToArray(), "-"u8.ToArray(), "[[[[[[[[[[[["u8.ToArray(), "{\"a\":"u8.ToArray(),
        [0xFF], [0xC3], [0xE6, 0x99], [0x00], [0xEF, 0xBB, 0xBF],
    ];

    [Fact]
    public void Random_mutations_of_valid_payloads_never_throw_and_always_yield_readings_or_errors()
    {
        // CITYOPS_FUZZ_ITERATIONS=1000000 makes this the benchmark run (docs/reliability.md).
        var run = new FuzzRun("payloads", 20_000);
        var Iterations = run.Iterations;
        var random = new Random(20260720);
        var parser = new PayloadParser(Clock());
        var readings = new List<Reading>();
        var errors = new List<ParseError>();
        var splitReadings = new List<Reading>();
        var splitErrors = new List<ParseError>();
        var seeds = _seeds.Select(Encoding.UTF8.GetBytes).ToArray();
        var acceptedMessages = 0;
        var reasonsSeen = new HashSet<RejectReason>();

        for (var i = 0; i < Iterations; i++)
        {
            var payload = Mutate(seeds[random.Next(seeds.Length)], random);
            readings.Clear();
            errors.Clear();
            splitReadings.Clear();
            splitErrors.Clear();

            var context = $"iteration {i}: {Convert.ToHexString(payload)}";
            run.Begin();
            var thrown = Record.Exception(() => parser.Parse(Waterlog, new ReadOnlySequence<byte>(payload), readings, errors));
            var (took, allocated) = run.End(thrown is not null ? "EXCEPTION" : errors.Count == 0 ? "accepted" : errors.Count == 1 && readings.Count == 0 ? errors[0].Reason.ToString() : "partly accepted batch");
            thrown ??= Record.Exception(() => parser.Parse(Waterlog, Segments.Split(payload, 1 + random.Next(7)), splitReadings, splitErrors));
            Assert.True(took < FuzzRun.HangGuard, $"{context} took {took}");
            Assert.True(allocated < 1024 * 1024, $"{context} allocated {allocated:N0} bytes");

            Assert.True(thrown is null, $"{context} threw {thrown}");
            Assert.True(readings.Count + errors.Count > 0, $"{context} yielded nothing");
            Assert.DoesNotContain(errors, e => e.Message.StartsWith("internal parser error", StringComparison.Ordinal));
            if (errors.Any(e => e.Index is null))
            {
                Assert.True(readings.Count == 0 && errors.Count == 1, $"{context}: a whole-message error must stand alone");
            }

            Assert.All(readings, r => Assert.All(r.Metrics, m => Assert.True(double.IsFinite(m.Value), context)));
            Assert.Equal(errors, splitErrors);
            Assert.Equal(readings.Count, splitReadings.Count);
            acceptedMessages += errors.Count == 0 ? 1 : 0;
            reasonsSeen.UnionWith(errors.Select(e => e.Reason));
        }

        output.WriteLine(run.Summary());
        Console.WriteLine(" " + run.Summary());

        // Guards the generator itself: mutations must reach both the accepting and the rejecting paths.
        Assert.InRange(acceptedMessages, Iterations / 50, Iterations - (Iterations / 50));
        Assert.True(reasonsSeen.Count >= 6, $"only saw {string.Join(", ", reasonsSeen)}");
    }

    public static TheoryData<string, string> HugeArrays => new()
    {
        { "a batch of 2,300 readings", "[" + string.Join(",", Enumerable.Repeat("""{"metrics":{"depth_cm":1}}""", 2_300)) + "]" },
        { "a batch of 20,000 empty objects", "[" + string.Join(",", Enumerable.Repeat("{}", 20_000)) + "]" },
        { "a metric holding 30,000 numbers", """{"metrics":{"depth_cm":[""" + string.Join(",", Enumerable.Repeat("1", 30_000)) + "]}}" },
        { "an unknown field holding 30,000 numbers", """{"metrics":{"depth_cm":1},"x":[""" + string.Join(",", Enumerable.Repeat("1", 30_000)) + "]}" },
        { "a batch of 13,000 nulls", "[" + string.Join(",", Enumerable.Repeat("null", 13_000)) + "]" },
    };

    [Theory]
    [MemberData(nameof(HugeArrays))]
    public void Huge_array_within_64_KiB_is_parsed_or_rejected_in_bounded_time(string what, string json)
    {
        var payload = Encoding.UTF8.GetBytes(json);
        Assert.True(payload.Length <= PayloadParser.MaxPayloadBytes, $"{what} is {payload.Length} bytes");
        var readings = new List<Reading>();
        var errors = new List<ParseError>();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var thrown = Record.Exception(() => new PayloadParser(Clock()).Parse(Waterlog, new ReadOnlySequence<byte>(payload), readings, errors));

        Assert.True(thrown is null, $"{what} threw {thrown}");
        Assert.True(readings.Count + errors.Count > 0, what);
        Assert.True(clock.Elapsed < FuzzRun.HangGuard, $"{what} took {clock.Elapsed}");
        output.WriteLine($"{what}: {readings.Count} readings, {errors.Count} errors ({string.Join(", ", errors.Select(e => e.Reason).Distinct())}) in {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        var mutations = 1 + random.Next(3);
        for (var m = 0; m < mutations; m++)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 2:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 3:
                    bytes.InsertRange(at, _tokens[random.Next(_tokens.Length)]);
                    break;
                case 4 when bytes.Count > 0:
                    bytes.RemoveRange(at, Math.Min(1 + random.Next(8), bytes.Count - at));
                    break;
                default:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
            }
        }

        return [.. bytes];
    }
}
