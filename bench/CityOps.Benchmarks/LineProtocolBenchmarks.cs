using BenchmarkDotNet.Attributes;
using CityOps.Grains;
using CityOps.Ingest.Influx;

namespace CityOps.Benchmarks;

/// <summary>Cost of turning accepted readings into line protocol (per reading; the builder is reused as the dispatcher's round is).</summary>
[MemoryDiagnoser]
public class LineProtocolBenchmarks
{
    private readonly LineBuilder _lines = new(1 << 20);
    private TelemetryPoint _gauge = null!;
    private TelemetryPoint _cover = null!;

    [GlobalSetup]
    public void Setup()
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _gauge = new TelemetryPoint(new Reading("WL-0042", "waterlog", ts, 1042, [new Metric("depth_cm", 23.5), new Metric("battery_pct", 81)], 35.3031, 113.9264), "410702001001001", "西街街道城市管理中队");
        _cover = new TelemetryPoint(new Reading("MH-0107", "manhole", ts, 7,
            [new Metric("tilt_deg", 0.4), new Metric("open", 0), new Metric("water_gap_cm", 41.5), new Metric("gas_ch4_lel", 1.2), new Metric("battery_pct", 77), new Metric("temp_c", 24.25)],
            35.30, 113.93), "410702001002020", "西街街道城市管理中队");
    }

    [Benchmark]
    public int GaugeReading()
    {
        _lines.Clear();
        TelemetryLines.AppendReading(_lines, _gauge);
        return _lines.Length;
    }

    [Benchmark]
    public int ManholeReadingSixMetrics()
    {
        _lines.Clear();
        TelemetryLines.AppendReading(_lines, _cover);
        return _lines.Length;
    }
}
