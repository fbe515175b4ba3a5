using BenchmarkDotNet.Attributes;
using CityOps.Grains.Zones;
using CityOps.Rules;

namespace CityOps.Benchmarks;

/// <summary>
/// Cost of judging one reading by one rule, as the device grain does: a plain threshold ladder, a compiled
/// <c>where:</c> expression with <c>when: night</c> (solar position), and an <c>outside:</c> geofence test against a
/// prepared polygon of the demo city's route corridor.
/// </summary>
[MemoryDiagnoser]
public class RuleEvaluationBenchmarks
{
    private const string Rules = """
        rules:
          - id: depth
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
          - id: dark
            kind: streetlight
            when: night
            where: "on == 1 && current_a < 0.05 && abs(voltage_v - 220) < 30"
            levels: [ { severity: yellow } ]
            for: 10m
            case: { code: "0118", title: "路灯不亮" }
          - id: expr
            kind: streetlight
            where: "on == 1 && current_a < 0.05 && abs(voltage_v - 220) < 30"
            levels: [ { severity: yellow } ]
            for: 10m
            case: { code: "0118", title: "路灯不亮" }
          - id: off-route
            kind: vehicle
            outside: zone:muck-routes
            levels: [ { severity: orange } ]
            count: 3
            case: { code: "2101", title: "渣土车偏离线路" }
        """;

    private static readonly DateTimeOffset Start = new(2026, 7, 20, 16, 0, 0, TimeSpan.Zero);

    private Rule _depth = null!;
    private Rule _dark = null!;
    private Rule _expression = null!;
    private Rule _offRoute = null!;
    private ReadingContext _gauge = null!;
    private ReadingContext _lamp = null!;
    private ReadingContext _truck = null!;
    // Shared across calls on purpose: the values cycle, so the alarm keeps moving through its phases.
    private readonly AlarmState _state = new();
    private long _tick;

    [GlobalSetup]
    public void Setup()
    {
        var set = RuleParser.Parse("bench.yaml", Rules).RuleSet ?? throw new InvalidOperationException("bench rules do not parse");
        (_depth, _dark, _expression, _offRoute) = (set.Find("depth")!, set.Find("dark")!, set.Find("expr")!, set.Find("off-route")!);
        var zones = ZoneSet.Build(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "zones.geojson")), out var problems)
            ?? throw new InvalidOperationException(string.Join("; ", problems));
        _gauge = new ReadingContext(KindCatalog.Default.Get("waterlog"));
        _lamp = new ReadingContext(KindCatalog.Default.Get("streetlight")) { Latitude = 35.3, Longitude = 113.93 };
        _truck = new ReadingContext(KindCatalog.Default.Get("vehicle")) { Latitude = 35.297246, Longitude = 113.93, Zones = zones };
    }

    [Benchmark(Baseline = true)]
    public AlarmChangeKind Threshold_ladder()
    {
        _gauge.Begin(Start.AddSeconds(++_tick));
        _gauge.Values[0] = 10 + (_tick % 50);
        return RuleEvaluator.Evaluate(_depth, _state, _gauge).Kind;
    }

    [Benchmark]
    public AlarmChangeKind Where_expression()
    {
        Lamp();
        return RuleEvaluator.Evaluate(_expression, _state, _lamp).Kind;
    }

    [Benchmark]
    public AlarmChangeKind Where_expression_at_night()
    {
        Lamp();
        return RuleEvaluator.Evaluate(_dark, _state, _lamp).Kind;
    }

    [Benchmark]
    public AlarmChangeKind Outside_geofence()
    {
        _truck.Begin(Start.AddSeconds(++_tick));
        _truck.Latitude = (_tick & 1) == 0 ? 35.297246 : 35.3004;
        return RuleEvaluator.Evaluate(_offRoute, _state, _truck).Kind;
    }

    private void Lamp()
    {
        _lamp.Begin(Start.AddSeconds(++_tick));
        _lamp.Values[0] = 1;
        _lamp.Values[1] = (_tick & 1) == 0 ? 0.01 : 0.42;
        _lamp.Values[2] = 221;
    }
}
