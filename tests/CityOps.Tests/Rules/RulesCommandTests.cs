using System.Diagnostics;
using CityOps.Api.Cli;
using CityOps.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace CityOps.Tests.Rules;

/// <summary><c>cityops rules validate</c> and <c>cityops rules test</c>: every problem at once, exit code 0 or 1.</summary>
public sealed class RulesCommandTests : IDisposable
{
    private const string Broken = """
        rules:
          - id: depth
            kind: waterlog
            metric: depth
            levels:
              - { severity: yellow, above: 27 }
              - { severity: blue,   above: 15 }
            for: 5 minutes
            case: { code: "0406", title: "积水" }
          - id: depth
            kind: streetlight
            where: "on == 1 && current_a < "
            levels: [ { severity: yellow } ]
            case: { code: "0118", title: "路灯不亮" }
          - id: truck
            kind: vehicle
            outside: zone:muck-rotues
            levels: [ { severity: orange } ]
            for: 1m
            count: 3
            case: { code: "2101", title: "偏离" }
        """;

    private readonly TempFolder _folder = new("rules-cli");

    public void Dispose() => _folder.Dispose();

    private static (int Exit, string Output) Run(params string[] args) => RunIn(null, args);

    /// <summary>Runs the command with <c>CityOps:TimeZone</c> = <paramref name="cityZone"/> in its configuration (none: unset).</summary>
    private static (int Exit, string Output) RunIn(string? cityZone, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["CityOps:TimeZone"] = cityZone }).Build();
        var exit = RulesCommand.Run(args, output, error, configuration);
        return (exit, output.ToString() + error);
    }

    [Fact]
    public void Validate_reports_every_problem_with_file_line_and_column()
    {
        File.WriteAllText(_folder.Combine("city.yaml"), Broken);

        var (exit, output) = Run("validate", _folder.Path, "--zones", Path.Combine(RepoPaths.Samples, "zones.geojson"));

        Assert.Equal(1, exit);
        var file = _folder.Combine("city.yaml");
        Assert.Contains($"{file}:4:13: rules[0].metric: unknown metric 'depth' for kind 'waterlog'", output);
        Assert.Contains($"{file}:7:21: rules[0].levels[1].severity: levels overlap or are out of order", output);
        Assert.Contains($"{file}:8:10: rules[0].for: '5 minutes' is not a duration", output);
        Assert.Contains($"{file}:10:9: rules[1].id: id 'depth' is already used at city.yaml:2", output);
        Assert.Contains($"{file}:12:36: rules[1].where: the expression ends too early", output);
        Assert.Contains($"{file}:17:14: rules[2].outside: unknown zone 'muck-rotues'", output);
        Assert.Contains($"{file}:19:5: rules[2].for: for: and count: cannot be combined", output);
        Assert.Contains("7 problems", output);
    }

    [Fact]
    public void Validate_accepts_the_shipped_rules_with_the_demo_zones()
    {
        var (exit, output) = Run("validate", RepoPaths.Rules, "--zones", Path.Combine(RepoPaths.Samples, "zones.geojson"));

        Assert.True(exit == 0, output);
        Assert.Contains("41 rules in 11 files, no problems", output);
    }

    [Fact]
    public void Failing_rule_test_names_the_expectation_and_exits_1()
    {
        Directory.CreateDirectory(_folder.Combine("tests"));
        File.WriteAllText(_folder.Combine("waterlog.yaml"), File.ReadAllText(Path.Combine(RepoPaths.Rules, "waterlog.yaml")));
        File.WriteAllText(_folder.Combine("tests", "depth.yaml"), """
            devices:
              - id: WL-1
                kind: waterlog
                series: { every: 30s, depth_cm: "30x3" }
            expect:
              - { at: 30s, device: WL-1, rule: waterlog-depth, event: raised, severity: yellow }
            """);

        var (exit, output) = Run("test", _folder.Combine("tests"));

        Assert.Equal(1, exit);
        Assert.Contains("depth.yaml:6:5: expected 30s WL-1 waterlog-depth raised yellow, but it did not happen; got: 1m WL-1 waterlog-depth raised yellow", output);
        Assert.Contains("0 passed, 1 failed", output);
    }

    [Theory]
    [InlineData("Asia/Shanghai", null, 0)]
    [InlineData("UTC", "Asia/Shanghai", 0)]
    [InlineData("Asia/Shanghai", "UTC", 1)]
    [InlineData("UTC", null, 1)]
    public void Rule_tests_judge_schedules_in_the_city_zone_of_the_configuration_or_of_time_zone(string cityZone, string? option, int expectedExit)
    {
        // 2026-11-30T16:30Z is already 1 December, 00:30, in Shanghai: inside 00:00-01:00 only when judged there.
        Directory.CreateDirectory(_folder.Combine("tests"));
        File.WriteAllText(_folder.Combine("night.yaml"), """
            rules:
              - id: night-truck
                kind: vehicle
                when: { between: "00:00-01:00" }
                where: "speed_kmh > 0"
                levels: [ { severity: orange } ]
                case: { code: "2101", title: "渣土车夜间行驶" }
            """);
        File.WriteAllText(_folder.Combine("tests", "night.yaml"), """
            start: 2026-11-30T16:30:00Z
            devices:
              - id: VH-1
                kind: vehicle
                readings:
                  - { at: 0, speed_kmh: 30 }
            expect:
              - { at: 0, device: VH-1, rule: night-truck, event: raised, severity: orange }
            """);

        var (exit, output) = option is null ? RunIn(cityZone, "test", _folder.Combine("tests")) : RunIn(cityZone, "test", _folder.Combine("tests"), "--time-zone", option);

        Assert.True(expectedExit == exit, output);
    }

    [Fact]
    public void A_time_zone_that_is_not_an_iana_id_stops_the_command_naming_where_it_came_from()
    {
        var (exit, output) = RunIn("Mars/Olympus", "validate", RepoPaths.Rules);
        Assert.Equal((1, "CityOps:TimeZone = Mars/Olympus: must be an IANA time zone id such as Asia/Shanghai"), (exit, output.Trim()));

        (exit, output) = RunIn(null, "validate", RepoPaths.Rules, "--time-zone", "Mars/Olympus");
        Assert.Equal((1, "--time-zone = Mars/Olympus: must be an IANA time zone id such as Asia/Shanghai"), (exit, output.Trim()));
    }

    [Fact]
    public void Misspelt_key_in_a_rule_test_fails_it_instead_of_being_ignored()
    {
        Directory.CreateDirectory(_folder.Combine("tests"));
        File.WriteAllText(_folder.Combine("waterlog.yaml"), File.ReadAllText(Path.Combine(RepoPaths.Rules, "waterlog.yaml")));
        File.WriteAllText(_folder.Combine("tests", "typo.yaml"), """
            devices:
              - id: WL-1
                kind: waterlog
                readngs: [ { at: 0, depth_cm: 80 } ]
            expect: []
            """);

        var (exit, output) = Run("test", _folder.Combine("tests", "typo.yaml"));

        Assert.Equal(1, exit);
        Assert.Contains("typo.yaml:4:5: unknown key 'readngs' here", output);
    }

    [Fact]
    public void Unknown_command_prints_usage_and_exits_1()
    {
        var (exit, output) = Run("frobnicate");

        Assert.Equal(1, exit);
        Assert.Contains("cityops rules validate <folder>", output);
    }

    [Fact]
    public void Validate_runs_from_the_built_binary_before_any_host_starts()
    {
        File.WriteAllText(_folder.Combine("city.yaml"), Broken);
        var dll = Path.Combine(AppContext.BaseDirectory, "CityOps.Api.dll");
        var start = new ProcessStartInfo("dotnet", ["exec", dll, "rules", "validate", _folder.Path]) { RedirectStandardOutput = true, RedirectStandardError = true };

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)));

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("unknown metric 'depth'", output);
        Assert.DoesNotContain("Orleans", output + process.StandardError.ReadToEnd());
    }

    [Fact]
    public void Backtest_replays_a_telemetry_file_through_the_shipped_rules_and_lists_the_cases()
    {
        var data = _folder.Combine("storm.csv");
        File.WriteAllText(data, """
            time,device,kind,depth_cm
            2026-07-20T08:00:00+08:00,WL-1,waterlog,10
            2026-07-20T08:01:00+08:00,WL-1,waterlog,30
            2026-07-20T08:02:00+08:00,WL-1,waterlog,30
            2026-07-20T08:03:00+08:00,WL-1,waterlog,55
            2026-07-20T08:04:00+08:00,WL-1,waterlog,56
            2026-07-20T08:05:00+08:00,WL-2,waterlog,3
            """);

        var (exit, output) = Run("backtest", data, "--rules", RepoPaths.Rules);

        Assert.Equal(0, exit);
        Assert.Contains("WL-1", output);
        Assert.Contains("waterlog-depth", output);
        Assert.Contains("red", output);
        Assert.Contains("1 cases from 6 readings of 2 devices", output);

        var (badExit, badOutput) = Run("backtest", data, "--rules", RepoPaths.Rules, "--from", "yesterday");
        Assert.Equal(1, badExit);
        Assert.Contains("RFC 3339", badOutput);
    }
}
