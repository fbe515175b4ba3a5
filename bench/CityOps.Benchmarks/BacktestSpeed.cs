using System.Diagnostics;
using System.Globalization;
using CityOps.Rules;
using CityOps.Grains.RuleSets;
using CityOps.Rules.Backtesting;

namespace CityOps.Benchmarks;

/// <summary>
/// Backtest speed, readings per second through the shipped rules:
/// <c>dotnet run -c Release --project bench/CityOps.Benchmarks -- backtest-speed [readings] [devices]</c>.
/// A month-like series per device (gauges through a storm, covers, lamps, trucks), replayed by the same
/// evaluator as live ingestion.
/// </summary>
public static class BacktestSpeed
{
    public static int Run(string[] args)
    {
        var total = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2_000_000;
        var devices = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2_000;
        var folder = Path.Combine(Repo.Root, "rules");
        // The shipped folder as CityOps reads it: the rule files, with the kinds of its kinds.yaml.
        var kindErrors = new List<RuleError>();
        var parsed = RuleParser.Parse(RuleFolder.RuleFiles(folder), new RuleParseOptions { Kinds = RuleFolder.Kinds(folder, kindErrors) });
        var rules = parsed.RuleSet is { } set && kindErrors.Count == 0
            ? set
            : throw new InvalidOperationException(string.Join("; ", kindErrors.Concat(parsed.Errors).Select(e => e.Message)));

        var t0 = new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.FromHours(8));
        var readings = new List<BacktestReading>(total);
        var perDevice = total / devices;
        for (var d = 0; d < devices; d++)
        {
            var kind = (d % 4) switch { 0 => "waterlog", 1 => "manhole", 2 => "streetlight", _ => "vehicle" };
            for (var i = 0; i < perDevice; i++)
            {
                var at = t0.AddMinutes(i);
                IReadOnlyList<(string, double)> metrics = kind switch
                {
                    "waterlog" => [("depth_cm", Math.Max(0, 60 * Math.Sin(i / 300.0)) + d % 7), ("battery_pct", 80)],
                    "manhole" => [("tilt_deg", i % 500 == 0 ? 20 : 1), ("open", 0), ("water_gap_cm", 60), ("gas_ch4_lel", 2), ("battery_pct", 70)],
                    "streetlight" => [("on", 1), ("current_a", 0.4), ("voltage_v", i % 700 == 0 ? 150 : 220), ("power_w", 90)],
                    _ => [("speed_kmh", i % 300 == 0 ? 80 : 35), ("heading_deg", 90), ("lid_closed", 1)],
                };
                readings.Add(new BacktestReading($"D{d}", kind, at, metrics, 35.30 + d % 50 * 0.001, 113.90 + d / 50 % 50 * 0.001));
            }
        }

        var clock = Stopwatch.StartNew();
        var result = Backtester.Run(rules, readings, new BacktestFilter(), NoZones.Instance, _ => null);
        var elapsed = clock.Elapsed;
        Console.WriteLine($"{result.Readings:N0} readings of {result.Devices:N0} devices through {rules.Rules.Length} shipped rules: " +
            $"{result.Cases.Length:N0} cases in {elapsed.TotalSeconds:0.00} s = {result.Readings / elapsed.TotalSeconds:N0} readings/s");
        return 0;
    }
}
