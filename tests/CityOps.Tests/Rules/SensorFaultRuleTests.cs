using CityOps.Grains;
using CityOps.Rules;

namespace CityOps.Tests.Rules;

/// <summary><c>stuck:</c>, <c>jump:</c> and <c>range:</c> sensor faults (CONTRACT §8): parsed with file/line errors, judged from the reading times.</summary>
public class SensorFaultRuleTests
{
    private const string Rules = """
        rules:
          - id: depth
            kind: waterlog
            metric: depth_cm
            levels: [ { severity: blue, above: 15 }, { severity: red, above: 50 } ]
            case: { code: "0406", title: "道路积水 {value} cm" }
          - id: stuck
            kind: waterlog
            maintenance: true
            stuck: { metric: depth_cm, for: 6h, tolerance: 0.5 }
            where: "depth_cm > 5"
          - id: jump
            kind: waterlog
            maintenance: true
            jump: { metric: depth_cm, above: 30, per: 1m }
            clear: { for: 10m }
        """;

    private static readonly TimeSpan TenSeconds = TimeSpan.FromSeconds(10);

    [Fact]
    public void Fault_rules_are_maintenance_alarms_on_their_metric_judged_before_the_other_rules_of_the_kind()
    {
        var set = RuleParser.Parse("test.yaml", Rules).RuleSet!;

        Assert.Equal(["stuck", "jump", "depth"], set.ForKind("waterlog").Select(r => r.Id));
        var jump = set.Find("jump")!;
        Assert.True(jump.IsFault && jump.Maintenance && !jump.FilesAt(Severity.Red));
        Assert.Equal("depth_cm", jump.Metric);
        Assert.Contains("jump=30/1m", jump.Definition, StringComparison.Ordinal);
        Assert.Contains("stuck=6h/0.5", set.Find("stuck")!.Definition, StringComparison.Ordinal);
        Assert.False(set.Find("depth")!.IsFault);
    }

    [Fact]
    public void A_gauge_jumping_from_2_to_62_cm_in_20_seconds_raises_a_jump_fault()
    {
        var gauge = new SeriesJudge(Rules);

        var changes = gauge.Series(TimeSpan.Zero, TenSeconds, 2, 2, 2, 32, 62);

        Assert.Contains((TimeSpan.FromSeconds(40), "jump", AlarmChangeKind.Raised), changes);
        Assert.DoesNotContain(changes, c => c.Rule == "jump" && c.At < TimeSpan.FromSeconds(40)); // 30 in 10 s is not above 30
    }

    [Fact]
    public void A_jump_fault_clears_after_its_clear_window_without_jumps()
    {
        var gauge = new SeriesJudge(Rules);
        gauge.Series(TimeSpan.Zero, TenSeconds, 2, 62);

        // The jump leaves the 1-minute window at 1m10s; clear: { for: 10m } holds it 10 minutes more.
        var changes = gauge.Series(TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(1), Enumerable.Repeat(62.0, 13).ToArray());

        Assert.Equal([(TimeSpan.FromSeconds(20) + TimeSpan.FromMinutes(11), "jump", AlarmChangeKind.Cleared)], changes.Where(c => c.Rule == "jump"));
    }

    [Fact]
    public void A_falling_jump_is_a_fault_too_but_steady_rises_are_not()
    {
        var falling = new SeriesJudge(Rules);
        Assert.Contains(("jump", AlarmChangeKind.Raised), falling.Series(TimeSpan.Zero, TenSeconds, 55, 20).Select(c => (c.Rule, c.Kind)));

        var rising = new SeriesJudge(Rules);
        Assert.DoesNotContain(rising.Series(TimeSpan.Zero, TimeSpan.FromMinutes(1), 2, 20, 38, 56), c => c.Rule == "jump");
    }

    [Fact]
    public void A_value_unchanged_within_tolerance_for_the_window_is_stuck()
    {
        var gauge = new SeriesJudge(Rules);

        var changes = gauge.Series(TimeSpan.Zero, TimeSpan.FromMinutes(30), 63, 63.2, 62.8, 63, 63.1, 63, 63, 63, 63, 63, 63, 63, 63, 63);

        Assert.Equal([(TimeSpan.FromHours(6), "stuck", AlarmChangeKind.Raised)], changes.Where(c => c.Rule == "stuck"));
        Assert.Equal([("stuck", AlarmChangeKind.Cleared)], gauge.Feed(TimeSpan.FromHours(7), 64).Where(c => c.Rule == "stuck"));
    }

    [Fact]
    public void A_change_beyond_tolerance_restarts_the_stuck_window_and_a_dry_road_is_not_stuck()
    {
        var gauge = new SeriesJudge(Rules);
        gauge.Series(TimeSpan.Zero, TimeSpan.FromHours(1), 63, 63, 63, 63);

        Assert.DoesNotContain(gauge.Series(TimeSpan.FromHours(4), TimeSpan.FromHours(1), 64, 64, 64, 64, 64, 64), c => c.Rule == "stuck");
        Assert.Equal([("stuck", AlarmChangeKind.Raised)], gauge.Feed(TimeSpan.FromHours(10), 64).Where(c => c.Rule == "stuck"));

        var dry = new SeriesJudge(Rules);
        Assert.Empty(dry.Series(TimeSpan.Zero, TimeSpan.FromHours(1), Enumerable.Repeat(0.0, 24).ToArray()));
    }

    [Theory]
    [InlineData("stuck: { metric: depth_cm }", "test.yaml:5:12: rules[0].stuck.for: stuck: needs for:, how long an unchanged value means a frozen sensor, e.g. for: 6h")]
    [InlineData("stuck: { metric: depth_cm, for: 0 }", "test.yaml:5:37: rules[0].stuck.for: for must be longer than 0")]
    [InlineData("stuck: { metric: depth_cm, for: 1h, tolerance: -1 }", "test.yaml:5:52: rules[0].stuck.tolerance: tolerance cannot be negative; it is how far the values may spread and still count as unchanged")]
    [InlineData("jump: { metric: depth_cm, above: 0, per: 1m }", "test.yaml:5:38: rules[0].jump.above: above must be more than 0")]
    [InlineData("jump: { metric: depth, above: 30, per: 1m }", "test.yaml:5:21: rules[0].jump.metric: unknown metric 'depth' for kind 'waterlog'; waterlog devices report depth_cm, battery_pct")]
    [InlineData("jump: { metric: depth_cm, above: 30 }", "test.yaml:5:11: rules[0].jump.per: jump: needs per:, the time within which the change is impossible, e.g. per: 1m")]
    [InlineData("jump: 30", "test.yaml:5:11: rules[0].jump: jump is a mapping, e.g. jump: { metric: depth_cm, above: 30, per: 1m }")]
    [InlineData("range: depth_cm", "test.yaml:5:12: rules[0].range: range is a mapping, e.g. range: { metric: depth_cm } (the kind's physical range, docs/kinds.md)")]
    [InlineData("range: { metric: depth_cm, max: 3 }", "test.yaml:5:32: rules[0].range.max: unknown key 'max' (allowed here: metric)")]
    public void Bad_fault_forms_are_errors_with_file_line_and_field(string form, string expected)
    {
        var result = RuleParser.Parse("test.yaml", $$"""
            rules:
              - id: fault
                kind: waterlog
                maintenance: true
                {{form}}
            """);

        Assert.Equal(expected, Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void A_reading_outside_the_kinds_range_raises_a_range_fault_and_is_no_value_for_the_other_rules()
    {
        var gauge = new SeriesJudge(Rules + RangeRule);

        Assert.Equal([("depth", AlarmChangeKind.Raised)], gauge.Feed(TimeSpan.Zero, 20));
        // 1,200 cm is beyond the gauge's 0-1000 cm: a fault; the depth alarm is not escalated to red, no jump is seen.
        Assert.Equal([("range", AlarmChangeKind.Raised)], gauge.Feed(TenSeconds, 1200));
        Assert.Equal(1200, gauge.Alarm("range")!.LastValue);
        Assert.Equal((Severity.Blue, 20.0), (gauge.Alarm("depth")!.Severity, gauge.Alarm("depth")!.LastValue));
        Assert.Empty(gauge.Feed(TenSeconds * 2, -5));
        // Back in range: the fault clears; the depth alarm is judged on the value as usual.
        Assert.Equal([("range", AlarmChangeKind.Cleared)], gauge.Feed(TenSeconds * 3, 20));
        var range = RuleParser.Parse("test.yaml", Rules + RangeRule).RuleSet!.Find("range")!;
        Assert.True(range.IsFault);
        Assert.Contains("range=0/1000", range.Definition, StringComparison.Ordinal);
    }

    [Fact]
    public void A_range_fault_needs_a_metric_with_a_physical_range()
    {
        var kinds = KindCatalog.Default.With([new KindDefinition("pump", [new MetricDefinition("flow_m3h", "m³/h")])]);

        var result = RuleParser.Parse([new("test.yaml", "rules:\n  - { id: r, kind: pump, maintenance: true, range: { metric: flow_m3h } }\n")], new RuleParseOptions { Kinds = kinds });

        Assert.Equal(
            "test.yaml:2:62: rules[0].range.metric: pump metric 'flow_m3h' has no physical range; give it min: and max: in kinds.yaml (docs/kinds.md)",
            Assert.Single(result.Errors).ToString());
    }

    private const string RangeRule = """

          - id: range
            kind: waterlog
            maintenance: true
            range: { metric: depth_cm }
        """;

    [Fact]
    public void A_fault_rule_names_its_metric_inside_the_form_and_takes_no_thresholds()
    {
        var result = RuleParser.Parse("test.yaml", """
            rules:
              - id: fault
                kind: waterlog
                metric: depth_cm
                jump: { metric: depth_cm, above: 30, per: 1m }
                levels: [ { severity: yellow, above: 10 } ]
                case: { code: "0406", title: "t" }
            """);

        Assert.Equal(
            [
                "test.yaml:4:5: rules[0].metric: the metric of a jump: rule is named inside it, e.g. jump: { metric: depth_cm, ... }; remove the rule's own metric:",
                "test.yaml:5:5: rules[0].jump: a jump: rule decides by itself when it holds; give its levels no above:/below:, e.g. levels: [ { severity: yellow } ]",
            ],
            result.Errors.Select(e => e.ToString()));
    }
}
