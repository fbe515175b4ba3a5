using BenchmarkDotNet.Attributes;
using CityOps.Rules;

namespace CityOps.Benchmarks;

/// <summary>
/// What the sensor-fault and trend rules (issue 18) cost per reading: one waterlogging gauge's reading judged by its
/// <see cref="DeviceJudge"/> (as the device grain and the backtest do: the metric set, the history kept, every rule of the
/// kind evaluated) with the depth ladder alone, and with the shipped <c>rules/waterlog.yaml</c> (depth ladder, offline,
/// stuck, jump, predict, the catchment incident's rule). The depth rises and falls slowly, so the trend fit and the
/// history windows are exercised on every reading and no alarm is raised.
/// </summary>
[MemoryDiagnoser]
public class DeviceJudgeBenchmarks
{
    private const string DepthOnly = """
        rules:
          - id: waterlog-depth
            kind: waterlog
            metric: depth_cm
            levels:
              - { severity: blue,   above: 15 }
              - { severity: yellow, above: 27 }
              - { severity: orange, above: 40 }
              - { severity: red,    above: 50 }
            for: 1m
            clear: { hysteresis: 3, for: 5m }
            case: { code: "0406", title: "道路积水 {value} cm" }
        """;

    private static readonly DateTimeOffset Start = new(2026, 7, 20, 16, 0, 0, TimeSpan.Zero);

    private DeviceJudge _ladder = null!;
    private DeviceJudge _shipped = null!;
    private long _tick;

    [GlobalSetup]
    public void Setup()
    {
        var options = new RuleParseOptions { Kinds = KindCatalog.Default };
        _ladder = Judge(RuleParser.Parse([new("bench.yaml", DepthOnly)], options));
        _shipped = Judge(RuleParser.Parse([new("waterlog.yaml", File.ReadAllText(Path.Combine(Repo.Root, "rules", "waterlog.yaml")))], options));
        for (var i = 0; i < 1_000; i++)
        {
            // Fills the history windows (10 minutes of readings every 30 s and more) before measuring.
            Judge_one_reading(_ladder);
            Judge_one_reading(_shipped);
        }
    }

    [Benchmark(Baseline = true)]
    public int Depth_ladder_only() => Judge_one_reading(_ladder);

    [Benchmark]
    public int Shipped_waterlog_rules_with_faults_and_trend() => Judge_one_reading(_shipped);

    private static DeviceJudge Judge(RuleParseResult parsed)
    {
        var set = parsed.RuleSet ?? throw new InvalidOperationException(string.Join("; ", parsed.Errors.Select(e => e.ToString())));
        var judge = new DeviceJudge(KindCatalog.Default.Get("waterlog"), NoZones.Instance);
        judge.UseRules(set);
        return judge;
    }

    // One reading every 30 s; the depth wanders between 2 and 12 cm (under every line, never stuck, never jumping).
    private int Judge_one_reading(DeviceJudge judge)
    {
        var tick = ++_tick;
        judge.Begin(Start.AddSeconds(30 * tick));
        judge.Set("depth_cm", 7 + (5 * Math.Sin(tick / 40.0)));
        judge.Set("battery_pct", 80);
        judge.Remember();
        var changes = 0;
        for (var i = 0; i < judge.Rules.Length; i++)
        {
            changes += judge.Evaluate(i, out _, out _, out _) ? 1 : 0;
        }

        return changes;
    }
}
