using System.Buffers;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using CityOps.Grains;
using CityOps.Ingest.Parsing;

namespace CityOps.Benchmarks;

/// <summary>
/// Cost of the MQTT edge per message. The output lists are reused, as the ingest loop does, so the
/// allocations shown are the readings themselves (and the device id for the topic).
/// </summary>
[MemoryDiagnoser]
public class PayloadParserBenchmarks
{
    private const int BatchSize = 50;

    private readonly PayloadParser _parser = new(TimeProvider.System);
    private readonly TopicParser _topics = new();
    private readonly TelemetryTopic _topic = new("waterlog", "wl-0042");
    private readonly List<Reading> _readings = new(BatchSize);
    private readonly List<ParseError> _errors = [];

    private ReadOnlySequence<byte> _single;
    private ReadOnlySequence<byte> _batch;

    [GlobalSetup]
    public void Setup()
    {
        // Timestamps relative to the real clock, so the readings are accepted and not future-rejected.
        var now = DateTimeOffset.UtcNow;
        var ts = now.AddMinutes(-5).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
        _single = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes($$$"""
            {"ts": "{{{ts}}}", "seq": 1042, "metrics": {"depth_cm": 23.5, "battery_pct": 81}, "lat": 35.3031, "lon": 113.9264}
            """));
        var epochMs = now.AddMinutes(-5).ToUnixTimeMilliseconds();

        var batch = new StringBuilder("[");
        for (var i = 0; i < BatchSize; i++)
        {
            batch.Append(i == 0 ? string.Empty : ",").Append(CultureInfo.InvariantCulture, $$$"""
                {"ts": {{{epochMs + (i * 1000)}}}, "seq": {{{i}}}, "metrics": {"tilt_deg": 0.{{{i}}}, "open": false, "water_gap_cm": {{{40 + i}}}.5, "gas_ch4_lel": 1.2, "battery_pct": 77, "temp_c": 24.25}}
                """);
        }

        _batch = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(batch.Append(']').ToString()));

        // Measuring the reject path by accident would make the figures meaningless.
        if (SingleObject() != 1 || GatewayBatchOf50() != BatchSize || !Topic())
        {
            throw new InvalidOperationException($"benchmark payloads do not parse: {string.Join("; ", _errors)}");
        }
    }

    [Benchmark(Baseline = true)]
    public int SingleObject()
    {
        _readings.Clear();
        _errors.Clear();
        _parser.Parse(_topic, _single, _readings, _errors);
        return _readings.Count;
    }

    [Benchmark]
    public int GatewayBatchOf50()
    {
        _readings.Clear();
        _errors.Clear();
        _parser.Parse(_topic, _batch, _readings, _errors);
        return _readings.Count;
    }

    [Benchmark]
    public bool Topic()
    {
        return _topics.TryParse("city/waterlog/wl-0042/telemetry", out _, out _, out _);
    }
}
