using CityOps.Grains;
using CityOps.Rules;

namespace CityOps.Tests.Rules;

public class RuleParserTests
{
    private const string ContractExample = """
        rules:
          - id: waterlog-depth            # unique, [a-z0-9-]
            kind: waterlog
            metric: depth_cm
            levels:                       # severity ladder, least severe first
              - { severity: blue,   above: 15 }
              - { severity: yellow, above: 27 }
              - { severity: orange, above: 40 }
              - { severity: red,    above: 50 }
            for: 1m                       # must hold this long before a case is raised (0 = at once)
            clear: { hysteresis: 3, for: 5m }   # cleared after being below threshold-3 for 5m
            case: { code: "0406", title: "道路积水 {value} cm" }
          - id: manhole-offline
            kind: manhole
            offline: 30m                  # no reading for 30 minutes
            case: { code: "{device.code}", title: "井盖监测终端离线" }
          - id: streetlight-dark
            kind: streetlight
            when: night                   # night | day, by the sun at the device's position
            where: "on == 1 && current_a < 0.05"
            levels: [ { severity: yellow } ]
            for: 10m
            case: { code: "0118", title: "路灯不亮" }
          - id: muck-truck-zone
            kind: vehicle
            outside: zone:muck-routes     # inside | outside a zone (section 5) by the reading's lat/lon
            levels: [ { severity: orange } ]
            case: { code: "2101", title: "渣土车偏离线路" }   # 21xx: local extension code
        """;

    private const string ValidDepthRule = """
        rules:
          - id: depth
            kind: waterlog
            metric: depth_cm
            levels: [ { severity: yellow, above: 27 } ]
            case: { code: "0406", title: "t" }
        """;

    [Fact]
    public void Contract_example_parses_into_rules_with_every_field()
    {
        var result = RuleParser.Parse("city.yaml", ContractExample);

        Assert.True(result.Success, string.Join(Environment.NewLine, result.Errors));
        var set = result.RuleSet!;
        Assert.Equal(["waterlog-depth", "manhole-offline", "streetlight-dark", "muck-truck-zone"], set.Rules.Select(r => r.Id));

        var depth = set.Find("waterlog-depth")!;
        Assert.Equal("waterlog", depth.Kind);
        Assert.Equal("depth_cm", depth.Metric);
        Assert.Equal(ThresholdDirection.Above, depth.Direction);
        Assert.Equal<Level>(
            [new Level(Severity.Blue, 15), new Level(Severity.Yellow, 27), new Level(Severity.Orange, 40), new Level(Severity.Red, 50)],
            depth.Levels);
        Assert.Equal(TimeSpan.FromMinutes(1), depth.For);
        Assert.Equal(new ClearPolicy(3, TimeSpan.FromMinutes(5)), depth.Clear);
        Assert.Equal(new CaseTemplate("0406", "道路积水 {value} cm"), depth.Case);
        Assert.Equal("city.yaml", depth.SourceFile);
        Assert.Equal(2, depth.SourceLine);
        Assert.True(depth.IsEvaluable);
        Assert.False(depth.IsOffline);

        var offline = set.Find("manhole-offline")!;
        Assert.True(offline.IsOffline);
        Assert.Equal(TimeSpan.FromMinutes(30), offline.Offline);
        Assert.Null(offline.Metric);
        Assert.Empty(offline.Levels);
        Assert.Equal(ClearPolicy.Immediate, offline.Clear);

        var dark = set.Find("streetlight-dark")!;
        Assert.Equal("night", dark.When);
        Assert.Equal("on == 1 && current_a < 0.05", dark.Where);
        Assert.Equal(Severity.Yellow, Assert.Single(dark.Levels).Severity);
        Assert.False(dark.Levels[0].HasThreshold);
        Assert.False(dark.IsEvaluable);

        Assert.Equal("zone:muck-routes", set.Find("muck-truck-zone")!.Outside);
    }

    [Fact]
    public void Rule_set_keeps_the_source_texts()
    {
        var result = RuleParser.Parse(new Dictionary<string, string> { ["b.yaml"] = "rules: []", ["a.yaml"] = ValidDepthRule });

        Assert.Equal(["a.yaml", "b.yaml"], result.RuleSet!.Sources.Keys);
        Assert.Equal(ValidDepthRule, result.RuleSet.Sources["a.yaml"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# nothing here yet\n")]
    [InlineData("rules:\n")]
    [InlineData("rules: []\n")]
    public void Empty_files_give_no_rules_and_no_errors(string yaml)
    {
        var result = RuleParser.Parse("empty.yaml", yaml);

        Assert.True(result.Success);
        Assert.Empty(result.RuleSet!.Rules);
    }

    [Fact]
    public void Bad_duration_names_line_column_and_field()
    {
        var result = RuleParser.Parse("depth.yaml", """
            rules:
              - id: depth
                kind: waterlog
                metric: depth_cm
                levels: [ { severity: yellow, above: 27 } ]
                for: 5 minutes
                case: { code: "0406", title: "t" }
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal(new RuleError("depth.yaml", 6, 10, "rules[0].for", error.Message), error);
        Assert.Contains("'5 minutes' is not a duration", error.Message);
        Assert.Null(result.RuleSet);
        Assert.False(result.Success);
    }

    [Fact]
    public void Bad_clear_duration_and_bare_number_are_errors()
    {
        var result = RuleParser.Parse("depth.yaml", """
            rules:
              - id: depth
                kind: waterlog
                metric: depth_cm
                levels: [ { severity: yellow, above: 27 } ]
                for: 5
                clear: { hysteresis: 3, for: 1.5h }
                case: { code: "0406", title: "t" }
            """);

        Assert.Collection(
            result.Errors,
            e =>
            {
                Assert.Equal((6, 10, "rules[0].for"), (e.Line, e.Column, e.Field));
                Assert.Contains("no unit", e.Message);
            },
            e => Assert.Equal((7, 34, "rules[0].clear.for"), (e.Line, e.Column, e.Field)));
    }

    [Fact]
    public void Unknown_keys_are_named_with_their_position_and_a_suggestion()
    {
        var result = RuleParser.Parse("depth.yaml", """
            rules:
              - id: depth
                kind: waterlog
                metric: depth_cm
                levels:
                  - { severity: yellow, abve: 27 }
                thresold: 5
                case: { code: "0406", title: "t" }
            """);

        var level = Assert.Single(result.Errors, e => e.Field == "rules[0].levels[0].abve");
        Assert.Equal((6, 29), (level.Line, level.Column));
        Assert.Contains("unknown key 'abve'; did you mean 'above'?", level.Message);

        var rule = Assert.Single(result.Errors, e => e.Field == "rules[0].thresold");
        Assert.Equal((7, 5), (rule.Line, rule.Column));
        Assert.StartsWith("unknown key 'thresold'", rule.Message);

        // The level lost its threshold to the typo, which is also reported.
        Assert.Contains(result.Errors, e => e.Field == "rules[0].levels[0]" && e.Message.Contains("above: or below:"));
    }

    [Fact]
    public void Unknown_top_level_key_is_an_error()
    {
        var result = RuleParser.Parse("x.yaml", "version: 2\nrules: []\n");

        Assert.Equal(new RuleError("x.yaml", 1, 1, "version", "unknown key 'version' (allowed here: rules, incidents, flapping)"), Assert.Single(result.Errors));
    }

    [Fact]
    public void Duplicate_id_across_two_files_is_reported_on_the_later_file()
    {
        var a = ValidDepthRule;
        var b = "# second copy\n" + ValidDepthRule;

        // Given in reverse: files are read in file-name order, so b.yaml is always the later one.
        var result = RuleParser.Parse(new Dictionary<string, string> { ["b.yaml"] = b, ["a.yaml"] = a });

        var error = Assert.Single(result.Errors);
        Assert.Equal(("b.yaml", 3, 9, "rules[0].id"), (error.File, error.Line, error.Column, error.Field));
        Assert.Contains("already used at a.yaml:2", error.Message);
    }

    [Fact]
    public void Unknown_metric_for_the_kind_is_an_error_listing_the_known_ones()
    {
        var result = RuleParser.Parse("depth.yaml", ValidDepthRule.Replace("depth_cm", "depth_mm", StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Equal(("rules[0].metric", 4, 13), (error.Field, error.Line, error.Column));
        Assert.Equal("unknown metric 'depth_mm' for kind 'waterlog'; waterlog devices report depth_cm, battery_pct", error.Message);
    }

    [Fact]
    public void Metric_of_another_kind_is_an_error()
    {
        var result = RuleParser.Parse("depth.yaml", ValidDepthRule.Replace("depth_cm", "tilt_deg", StringComparison.Ordinal));

        Assert.Equal("rules[0].metric", Assert.Single(result.Errors).Field);
    }

    [Fact]
    public void Unknown_kind_is_an_error()
    {
        var result = RuleParser.Parse("x.yaml", ValidDepthRule.Replace("kind: waterlog", "kind: drone", StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Equal(("rules[0].kind", 3, 11), (error.Field, error.Line, error.Column));
        Assert.Contains("unknown kind 'drone'", error.Message);
    }

    [Fact]
    public void Thresholds_out_of_order_are_overlapping_levels()
    {
        var result = RuleParser.Parse("depth.yaml", """
            rules:
              - id: depth
                kind: waterlog
                metric: depth_cm
                levels:
                  - { severity: blue,   above: 15 }
                  - { severity: yellow, above: 10 }
                case: { code: "0406", title: "t" }
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal(("rules[0].levels[1].above", 7, 36), (error.Field, error.Line, error.Column));
        Assert.StartsWith("levels overlap or are out of order", error.Message);
    }

    [Fact]
    public void Equal_thresholds_overlap()
    {
        var result = RuleParser.Parse("depth.yaml", """
            rules:
              - id: depth
                kind: waterlog
                metric: depth_cm
                levels: [ { severity: blue, above: 15 }, { severity: red, above: 15 } ]
                case: { code: "0406", title: "t" }
            """);

        Assert.Equal("rules[0].levels[1].above", Assert.Single(result.Errors).Field);
    }

    [Fact]
    public void Severities_out_of_order_are_overlapping_levels()
    {
        var result = RuleParser.Parse("depth.yaml", """
            rules:
              - id: depth
                kind: waterlog
                metric: depth_cm
                levels:
                  - { severity: yellow, above: 15 }
                  - { severity: blue,   above: 27 }
                case: { code: "0406", title: "t" }
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal(("rules[0].levels[1].severity", 7, 21), (error.Field, error.Line, error.Column));
        Assert.StartsWith("levels overlap or are out of order", error.Message);
    }

    [Fact]
    public void Below_thresholds_must_decrease()
    {
        var result = RuleParser.Parse("gap.yaml", """
            rules:
              - id: gap
                kind: manhole
                metric: water_gap_cm
                levels:
                  - { severity: yellow, below: 10 }
                  - { severity: red,    below: 30 }
                case: { code: "0102", title: "t" }
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal(("rules[0].levels[1].below", 7, 36), (error.Field, error.Line, error.Column));
        Assert.StartsWith("levels overlap or are out of order", error.Message);
    }

    [Fact]
    public void Mixing_above_and_below_in_one_rule_is_an_error()
    {
        var result = RuleParser.Parse("gap.yaml", """
            rules:
              - id: gap
                kind: manhole
                metric: water_gap_cm
                levels:
                  - { severity: yellow, below: 30 }
                  - { severity: red,    above: 100 }
                case: { code: "0102", title: "t" }
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal(("rules[0].levels[1].above", 7, 36), (error.Field, error.Line, error.Column));
        Assert.Contains("mix above: and below:", error.Message);
    }

    [Fact]
    public void Broken_yaml_gives_one_error_at_the_parsers_position()
    {
        var result = RuleParser.Parse("broken.yaml", """
            rules:
              - id: depth
               kind: waterlog
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal(("broken.yaml", 3, 4, "yaml"), (error.File, error.Line, error.Column, error.Field));
        Assert.StartsWith("not valid YAML", error.Message);
    }

    [Fact]
    public void Duplicate_key_in_a_rule_is_reported_where_it_repeats()
    {
        var result = RuleParser.Parse("dup.yaml", "rules:\n  - id: a\n    id: b\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal((3, 5, "yaml"), (error.Line, error.Column, error.Field));
        Assert.Contains("'id' appears twice", error.Message);
    }

    [Fact]
    public void Missing_case_is_reported_at_the_start_of_the_rule()
    {
        var result = RuleParser.Parse("depth.yaml", """
            rules:
              - id: depth
                kind: waterlog
                metric: depth_cm
                levels: [ { severity: yellow, above: 27 } ]
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal(("depth.yaml", 2, 5, "rules[0].case"), (error.File, error.Line, error.Column, error.Field));
        Assert.StartsWith("case is required", error.Message);
    }

    [Fact]
    public void Case_without_title_is_an_error()
    {
        var result = RuleParser.Parse("depth.yaml", ValidDepthRule.Replace(", title: \"t\"", "", StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Equal(("rules[0].case.title", 6, 11), (error.Field, error.Line, error.Column));
    }

    [Fact]
    public void Case_title_with_an_unclosed_placeholder_is_an_error()
    {
        var result = RuleParser.Parse("depth.yaml", ValidDepthRule.Replace("title: \"t\"", "title: \"积水 {value cm\"", StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Equal("rules[0].case.title", error.Field);
        Assert.Contains("never closed", error.Message);
    }

    [Fact]
    public void Threshold_rule_needs_metric_levels_and_thresholds()
    {
        var result = RuleParser.Parse("x.yaml", """
            rules:
              - id: no-metric
                kind: waterlog
                levels: [ { severity: yellow, above: 27 } ]
                case: { code: "0406", title: "t" }
              - id: no-levels
                kind: waterlog
                metric: depth_cm
                case: { code: "0406", title: "t" }
              - id: no-threshold
                kind: waterlog
                metric: depth_cm
                levels: [ { severity: yellow } ]
                case: { code: "0406", title: "t" }
            """);

        Assert.Equal(
            [("rules[0].metric", 2), ("rules[1].levels", 6), ("rules[2].levels[0]", 13)],
            result.Errors.Select(e => (e.Field, e.Line)));
    }

    [Fact]
    public void Invalid_values_are_errors_naming_their_field()
    {
        var result = RuleParser.Parse("x.yaml", """
            rules:
              - id: Depth_1
                kind: waterlog
                metric: depth_cm
                levels: [ { severity: purple, above: 27 }, { severity: red, above: deep } ]
                clear: { hysteresis: -1 }
                case: { code: "0406", title: "t" }
            """);

        Assert.Equal(
            ["rules[0].id", "rules[0].levels[0].severity", "rules[0].levels[1].above", "rules[0].clear.hysteresis"],
            result.Errors.Select(e => e.Field));
    }

    [Fact]
    public void Offline_rule_rejects_metric_thresholds_and_clear()
    {
        var result = RuleParser.Parse("x.yaml", """
            rules:
              - id: silent
                kind: manhole
                offline: 30m
                metric: battery_pct
                levels: [ { severity: red, above: 3 } ]
                clear: { for: 5m }
                case: { code: "0102", title: "t" }
            """);

        Assert.Equal(["rules[0].metric", "rules[0].levels[0].above", "rules[0].clear"], result.Errors.Select(e => e.Field));
    }

    [Fact]
    public void Offline_of_zero_is_an_error()
    {
        var result = RuleParser.Parse("x.yaml", "rules:\n  - id: silent\n    kind: manhole\n    offline: 0\n    case: { code: \"0102\", title: \"t\" }\n");

        Assert.Equal(("rules[0].offline", 4, 14), Assert.Single(result.Errors) is var e ? (e.Field, e.Line, e.Column) : default);
    }

    [Fact]
    public void Every_error_in_every_file_is_collected_in_file_and_line_order()
    {
        var result = RuleParser.Parse(new Dictionary<string, string>
        {
            ["z.yaml"] = "rules: [\n",
            ["a.yaml"] = """
                rules:
                  - id: one
                    kind: waterlog
                    metric: depth_mm
                    levels: [ { severity: yellow, above: 27 } ]
                    case: { code: "0406", title: "t" }
                  - id: two
                    kind: waterlog
                    metric: depth_cm
                    levels: [ { severity: yellow, above: 27 } ]
                    for: soon
                """,
        });

        Assert.Equal(
            [("a.yaml", 4), ("a.yaml", 7), ("a.yaml", 11), ("z.yaml", 2)],
            result.Errors.Select(e => (e.File, e.Line)));
    }

    [Fact]
    public void Error_text_names_file_line_column_and_field()
    {
        var error = new RuleError("waterlog.yaml", 12, 10, "rules[2].levels[1].above", "'x' is not a number");

        Assert.Equal("waterlog.yaml:12:10: rules[2].levels[1].above: 'x' is not a number", error.ToString());
    }

    [Fact]
    public void Numbers_and_codes_keep_their_written_form()
    {
        var rule = TestRules.Single("""
            rules:
              - id: gap
                kind: manhole
                metric: water_gap_cm
                levels: [ { severity: yellow, below: 2.5e1 }, { severity: red, below: '7.5' } ]
                case: { code: 0102, title: 井盖 }
            """);

        Assert.Equal([25.0, 7.5], rule.Levels.Select(l => l.Threshold));
        Assert.Equal("0102", rule.Case.Code);
    }
}
