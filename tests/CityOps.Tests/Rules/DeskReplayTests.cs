using CityOps.Grains;
using System.Text;
using CityOps.Rules;
using CityOps.Rules.Backtesting;
using CityOps.Rules.Replay;
using CityOps.Rules.Testing;
using Severity = CityOps.Grains.Severity;

namespace CityOps.Tests.Rules;

/// <summary>
/// Rule tests and backtests apply the alarm desk across devices (issue 18 item 6): incidents formed by grouped alarms,
/// alarms suppressed by a parent's root cause or by a sensor fault (also one raised after them), judged again when it clears.
/// </summary>
public class DeskReplayTests
{
    private const string Rules = """
        incidents:
          - id: flood
            rules: [depth]
            group: attribute:catchment
            within: 10m
            min: 2
            case: { code: "0406", title: "{zone.name} 多点积水 ({count} 处)" }
        rules:
          - id: depth
            kind: waterlog
            metric: depth_cm
            levels: [ { severity: yellow, above: 20 }, { severity: red, above: 50 } ]
            case: { code: "0406", title: "积水 {value} cm" }
          - id: jump
            kind: waterlog
            maintenance: true
            jump: { metric: depth_cm, above: 30, per: 1m }
            clear: { for: 5m }
          - id: power
            kind: lampcabinet
            metric: voltage_v
            levels: [ { severity: orange, below: 100 } ]
            inhibits: [under]
            case: { code: "0118", title: "失电" }
          - id: under
            kind: streetlight
            metric: voltage_v
            levels: [ { severity: yellow, below: 180 } ]
            case: { code: "0118", title: "电压异常" }
        """;

    private static readonly RuleSet Set = RuleParser.Parse([new("r.yaml", Rules)], new RuleParseOptions
    {
        Kinds = KindCatalog.Default.With([new KindDefinition("lampcabinet", [new MetricDefinition("voltage_v", "V", 0, 1000)])]),
    }).RuleSet!;

    private static RuleTestResult Test(string yaml) => RuleTestRunner.Run("t.yaml", yaml, Set, _ => null);

    private const string Flood = """
        devices:
          - { id: G1, kind: waterlog, attributes: { catchment: east }, series: { every: 1m, depth_cm: "25 45 60 40 15" } }
          - { id: G2, kind: waterlog, attributes: { catchment: east }, series: { every: 1m, from: 1m, depth_cm: "25 25 25 10" } }
          - { id: G3, kind: waterlog, attributes: { catchment: west }, series: { every: 1m, depth_cm: "25 10" } }
        expect:
          - { at: 0,  device: G1, rule: depth, event: raised, severity: yellow }
          - { at: 2m, device: G1, rule: depth, event: escalated, severity: red }
          - { at: 4m, device: G1, rule: depth, event: cleared }
          - { at: 1m, device: G2, rule: depth, event: raised, severity: yellow }
          - { at: 4m, device: G2, rule: depth, event: cleared }
          - { at: 0,  device: G3, rule: depth, event: raised, severity: yellow }
          - { at: 1m, device: G3, rule: depth, event: cleared }
          - { at: 1m, incident: flood, group: east, event: opened, count: 2, severity: yellow }
        """;

    [Fact]
    public void A_rule_test_expects_the_incident_that_grouped_alarms_form_with_its_group_count_and_severity()
    {
        var result = Test(Flood + "\n  - { at: 4m, incident: flood, group: east, event: cleared, count: 2, severity: red }\n");

        Assert.Empty(result.Failures);
        Assert.Equal(
            ["1m incident flood east opened, 2 alarms, yellow", "4m incident flood east cleared, 2 alarms, red"],
            result.Incidents.Select(i => i.ToString()));
    }

    [Fact]
    public void A_wrong_incident_expectation_fails_at_its_line_and_shows_what_formed()
    {
        var result = Test(Flood + "\n  - { at: 4m, incident: flood, group: east, event: cleared, count: 3, severity: red }\n");

        Assert.Equal(
            [
                "t.yaml:14:5: expected 4m incident flood east cleared, 3 alarms, red, but it did not happen; got: 1m incident flood east opened, 2 alarms, yellow, 4m incident flood east cleared, 2 alarms, red",
                "t.yaml:6:3: unexpected 4m incident flood east cleared, 2 alarms, red: add it to expect: if it is right",
            ],
            result.Failures.Select(f => $"{f.File}:{f.Line}:{f.Column}: {f.Message}"));
    }

    [Fact]
    public void Alarms_raised_under_a_parents_root_cause_are_suppressed_and_judged_again_when_it_clears()
    {
        var result = Test("""
            devices:
              - { id: CAB, kind: lampcabinet, series: { every: 1m, voltage_v: "220 50 50 50 220" } }
              - { id: L1, kind: streetlight, attributes: { parent: CAB }, series: { every: 1m, voltage_v: "220 220 0 0 0 0 220" } }
              - { id: L2, kind: streetlight, attributes: { parent: CAB }, series: { every: 1m, voltage_v: "220 220 0 220" } }
              - { id: L3, kind: streetlight, series: { every: 1m, voltage_v: "220 220 0 220" } }
            expect:
              - { at: 1m, device: CAB, rule: power, event: raised, severity: orange }
              - { at: 4m, device: CAB, rule: power, event: cleared }
              - { at: 2m, device: L1, rule: under, event: raised, severity: yellow, suppressedBy: power }
              - { at: 4m, device: L1, rule: under, event: unsuppressed }
              - { at: 6m, device: L1, rule: under, event: cleared }
              - { at: 2m, device: L2, rule: under, event: raised, severity: yellow, suppressedBy: power }
              - { at: 3m, device: L2, rule: under, event: cleared }
              - { at: 2m, device: L3, rule: under, event: raised, severity: yellow }
              - { at: 3m, device: L3, rule: under, event: cleared }
            """);

        Assert.Empty(result.Failures);
    }

    [Fact]
    public void A_fault_suppresses_the_alarm_raised_before_it_and_an_expectation_that_misses_it_says_so()
    {
        const string Devices = """
            devices:
              - { id: G, kind: waterlog, series: { every: 20s, depth_cm: "25 25 60 60" } }
            expect:
              - { at: 0,   device: G, rule: depth, event: raised, severity: yellow }
              - { at: 40s, device: G, rule: depth, event: escalated, severity: red }
              - { at: 40s, device: G, rule: jump, event: raised, severity: yellow }

            """;

        var passing = Test(Devices + "  - { at: 40s, device: G, rule: depth, event: suppressed, suppressedBy: jump }\n");
        var failing = Test(Devices);

        Assert.Empty(passing.Failures);
        Assert.Equal(
            ["t.yaml:4:3: unexpected 40s G depth suppressed by jump: add it to expect: if it is right"],
            failing.Failures.Select(f => $"{f.File}:{f.Line}:{f.Column}: {f.Message}"));
    }

    [Fact]
    public void A_raise_expected_without_suppressedBy_fails_on_a_suppressed_alarm()
    {
        var result = Test("""
            devices:
              - { id: CAB, kind: lampcabinet, series: { every: 1m, voltage_v: "50 50" } }
              - { id: L1, kind: streetlight, attributes: { parent: CAB }, series: { every: 1m, voltage_v: "220 0" } }
            expect:
              - { at: 0, device: CAB, rule: power, event: raised, severity: orange }
              - { at: 1m, device: L1, rule: under, event: raised, severity: yellow }
            """);

        Assert.Contains(result.Failures, f => f.Line == 6 && f.Message == "expected 1m L1 under raised yellow, but it did not happen; got: 1m L1 under raised yellow, suppressed by power");
    }

    [Theory]
    [InlineData("{ at: 0, incident: nope, group: east, count: 2, severity: red }", "incident: 'nope' is not an incident of the rule set under test")]
    [InlineData("{ at: 0, incident: flood, group: east, severity: red }", "each expected incident needs at:, incident:, group:, count: and severity: (and event: opened|cleared)")]
    [InlineData("{ at: 0, incident: flood, group: east, event: grew, count: 2, severity: red }", "event: 'grew' is not opened or cleared (for an incident)")]
    [InlineData("{ at: 0, device: G, rule: depth, event: suppressed }", "event: suppressed needs suppressedBy: the rule whose alarm suppresses it (the device's sensor fault, or its parent's rule), or silencedBy: a silence")]
    [InlineData("{ at: 0, device: G, rule: depth, event: cleared, suppressedBy: jump }", "suppressedBy: goes with event: raised (raised suppressed) or suppressed")]
    [InlineData("{ at: 0, device: G, rule: depth, suppressedBy: nope, severity: red }", "suppressedBy: 'nope' is not in the rule set under test")]
    public void Bad_desk_expectations_are_refused_with_the_reason(string expectation, string message)
    {
        var result = Test($"devices:\n  - {{ id: G, kind: waterlog, series: {{ every: 1m, depth_cm: \"5\" }} }}\nexpect:\n  - {expectation}\n");

        Assert.Contains(result.Failures, f => f.Message == message);
    }

    [Fact]
    public void A_backtest_reports_incidents_and_suppressed_alarms_per_day_beside_its_cases()
    {
        // Two gauges of one catchment flood late on 20 July (+08:00); a cabinet loses power and its lamp goes dark after midnight.
        var t0 = new DateTimeOffset(2026, 7, 20, 23, 50, 0, TimeSpan.FromHours(8));
        var csv = new StringBuilder("time,device,kind,depth_cm,voltage_v\n");
        void Add(int minute, string device, string kind, string depth, string voltage) =>
            csv.Append(t0.AddMinutes(minute).ToString("O")).Append(',').Append(device).Append(',').Append(kind).Append(',').Append(depth).Append(',').Append(voltage).Append('\n');
        Add(0, "G1", "waterlog", "25", "");
        Add(1, "G2", "waterlog", "60", "");
        Add(20, "CAB", "lampcabinet", "", "50");
        Add(21, "L1", "streetlight", "", "0");
        Add(30, "CAB", "lampcabinet", "", "220");
        var profiles = new Dictionary<string, DeviceProfile>
        {
            ["G1"] = new(null, null, null, null, new Dictionary<string, string> { ["catchment"] = "east" }),
            ["G2"] = new(null, null, null, null, new Dictionary<string, string> { ["catchment"] = "east" }),
            ["L1"] = new(null, null, null, null, new Dictionary<string, string> { ["parent"] = "CAB" }),
        };

        var readings = TelemetryFile.Parse(csv.ToString(), TelemetryFormat.Csv, []);
        var result = Backtester.Run(Set, readings, new BacktestFilter(), NoZones.Instance, profiles.GetValueOrDefault);

        Assert.Equal(4, result.Cases.Length); // one per alarm, as before: G1, G2, CAB, L1
        var incident = Assert.Single(result.Incidents);
        Assert.Equal(("flood", "east", t0.AddMinutes(1), (DateTimeOffset?)null, Severity.Red, 2), (incident.Incident, incident.Group, incident.OpenedAt, incident.ClearedAt, incident.Severity, incident.Members.Length));
        var suppressed = Assert.Single(result.Suppressed);
        Assert.Equal(new ReplaySuppression("L1", "under", t0.AddMinutes(21), t0.AddMinutes(21), "CAB", "power", true, t0.AddMinutes(30)), suppressed);
        Assert.Equal(
            ["2026-07-20: 2 alarms, 1 incidents, 0 suppressed", "2026-07-21: 2 alarms, 0 incidents, 1 suppressed (power 1)"],
            result.Days(TimeSpan.FromHours(8)).Select(d => $"{d.Day:yyyy-MM-dd}: {d.Alarms} alarms, {d.Incidents} incidents, {d.Suppressed} suppressed" + (d.SuppressedBy.IsEmpty ? "" : $" ({string.Join(", ", d.SuppressedBy.Select(b => $"{b.Key} {b.Value}"))})")));
        Assert.Equal(["2026-07-20"], result.Days(TimeSpan.Zero).Select(d => d.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
    }
}
