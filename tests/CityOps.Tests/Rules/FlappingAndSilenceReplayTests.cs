using CityOps.Rules;
using CityOps.Rules.Backtesting;
using CityOps.Rules.Replay;
using CityOps.Rules.Testing;
using CityOps.Tests.Infrastructure;
using Severity = CityOps.Grains.Severity;

namespace CityOps.Tests.Rules;

/// <summary>
/// Rule tests and backtests replay flapping (counted by the live desk's <see cref="FlappingPolicy"/>) and silences (matched by
/// the live desk's <see cref="SilenceMatch"/>): a flapping alarm stays one alarm, held while clear, until a quiet window; an
/// alarm raised while a silence matches is silenced until the silence ends.
/// </summary>
public class FlappingAndSilenceReplayTests
{
    private static readonly RuleSet Set = RuleParser.Parse([new("desk.yaml", AlarmDeskRules.Yaml)], ShippedKinds.Options).RuleSet!;

    private static RuleTestResult Test(string yaml) => RuleTestRunner.Run("t.yaml", yaml, Set, _ => null);

    private static string[] Failures(RuleTestResult result) => [.. result.Failures.Select(f => $"{f.Line}: {f.Message}")];

    [Fact]
    public void A_flapping_alarm_is_one_alarm_held_while_clear_and_quiet_or_cleared_after_its_window_as_on_the_device_grain()
    {
        // The readings of AlarmDeskGrainTests' flapping test (MH1), and the same ending clear (MH2): the rule flaps at 4
        // changes within 10m. Live, MH1 is two alarms, the second flapping from 3m and quiet 10m after its last change.
        var result = Test("""
            until: 30m
            devices:
              - { id: MH1, kind: manhole, series: { every: 1m, gas_ch4_lel: "20 2 20 2 20 2 20 2 20" } }
              - { id: MH2, kind: manhole, series: { every: 1m, gas_ch4_lel: "20 2 20 2 20 2 20 2" } }
            expect:
              - { at: 0,   device: MH1, rule: gas, event: raised, severity: yellow }
              - { at: 1m,  device: MH1, rule: gas, event: cleared }
              - { at: 2m,  device: MH1, rule: gas, event: raised, severity: yellow }
              - { at: 3m,  device: MH1, rule: gas, event: flapping }
              - { at: 18m, device: MH1, rule: gas, event: quiet }
              - { at: 0,   device: MH2, rule: gas, event: raised, severity: yellow }
              - { at: 1m,  device: MH2, rule: gas, event: cleared }
              - { at: 2m,  device: MH2, rule: gas, event: raised, severity: yellow }
              - { at: 3m,  device: MH2, rule: gas, event: flapping }
              - { at: 17m, device: MH2, rule: gas, event: cleared }
            """);

        Assert.Empty(Failures(result));
    }

    [Fact]
    public void A_rule_test_without_the_flapping_it_causes_fails_and_shows_it()
    {
        var result = Test("""
            devices:
              - { id: MH1, kind: manhole, series: { every: 1m, gas_ch4_lel: "20 2 20 2 20" } }
            expect:
              - { at: 0,   device: MH1, rule: gas, event: raised, severity: yellow }
              - { at: 1m,  device: MH1, rule: gas, event: cleared }
              - { at: 2m,  device: MH1, rule: gas, event: raised, severity: yellow }
              - { at: 3m,  device: MH1, rule: gas, event: cleared }
              - { at: 4m,  device: MH1, rule: gas, event: raised, severity: yellow }
            """);

        Assert.Equal(
            [
                "7: expected 3m MH1 gas cleared, but it did not happen; got: 0 MH1 gas raised yellow, 1m MH1 gas cleared, 2m MH1 gas raised yellow, 3m MH1 gas flapping",
                "8: expected 4m MH1 gas raised yellow, but it did not happen; got: 0 MH1 gas raised yellow, 1m MH1 gas cleared, 2m MH1 gas raised yellow, 3m MH1 gas flapping",
                "4: unexpected 3m MH1 gas flapping: add it to expect: if it is right",
            ],
            Failures(result));
    }

    private const string Silences = """
        silences:
          - { id: works, device: G1, until: 10m }
          - { id: east-grid, grid: "4107", rule: depth, from: 20m, until: 30m }
        devices:
          - { id: G1, kind: waterlog, series: { every: 1m, depth_cm: "45x15 10" } }
          - { id: G2, kind: waterlog, grid: "410702001", series: { every: 1m, from: 21m, depth_cm: "45 10" } }
          - { id: G3, kind: waterlog, grid: "310101001", series: { every: 1m, from: 21m, depth_cm: "45" } }
        expect:
          - { at: 0,   device: G1, rule: depth, event: raised, severity: orange, silencedBy: works }
          - { at: 10m, device: G1, rule: depth, event: unsuppressed }
          - { at: 15m, device: G1, rule: depth, event: cleared }
          - { at: 21m, device: G2, rule: depth, event: raised, severity: orange, silencedBy: east-grid }
          - { at: 22m, device: G2, rule: depth, event: cleared }

        """;

    [Fact]
    public void Silences_of_a_rule_test_hold_the_alarms_they_match_in_their_window_and_release_them_at_its_end()
    {
        var result = Test(Silences + "  - { at: 21m, device: G3, rule: depth, event: raised, severity: orange }\n");

        Assert.Empty(Failures(result));
    }

    [Fact]
    public void An_alarm_expected_raised_without_its_silence_fails_and_names_it()
    {
        var result = Test(Silences.Replace(", silencedBy: works", "", StringComparison.Ordinal) + "  - { at: 21m, device: G3, rule: depth, event: raised, severity: orange }\n");

        Assert.Contains("expected 0 G1 depth raised orange, but it did not happen; got: 0 G1 depth raised orange, silenced by works, 10m G1 depth unsuppressed, 15m G1 depth cleared",
            result.Failures.Select(f => f.Message));
    }

    [Theory]
    [InlineData("silences:\n  - { id: s, until: 10m }\ndevices: []\n", "silence 's' needs at least one matcher: device, grid, zone or rule")]
    [InlineData("silences:\n  - { id: s, device: G1 }\ndevices: []\n", "each silence needs id: and until: (time since start; from: defaults to 0)")]
    [InlineData("silences:\n  - { id: s, device: G1, from: 10m, until: 5m }\ndevices: []\n", "silence 's': until must be after from")]
    [InlineData("silences:\n  - { id: s, rule: nope, until: 5m }\ndevices: []\n", "silence 's': rule 'nope' is not in the rule set under test")]
    [InlineData("silences:\n  - { id: s, device: G1, until: 5m, for: 1m }\ndevices: []\n", "unknown key 'for' here; allowed: id, device, grid, zone, rule, from, until")]
    [InlineData("devices: []\nexpect:\n  - { at: 0, device: G1, rule: depth, severity: orange, silencedBy: nope }\n", "silencedBy: 'nope' is not a silence of this test (silences:)")]
    public void Bad_silences_are_refused_with_the_reason(string yaml, string message)
    {
        Assert.Contains(message, Test(yaml).Failures.Select(f => f.Message));
    }

    [Fact]
    public void A_backtest_holds_the_alarms_its_silences_match_and_counts_a_flapping_alarm_as_one_case()
    {
        var t0 = new DateTimeOffset(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);
        var readings = new List<BacktestReading>();
        for (var i = 0; i < 9; i++)
        {
            readings.Add(new BacktestReading("MH1", "manhole", t0.AddMinutes(i), [("gas_ch4_lel", i % 2 == 0 ? 20 : 2)], null, null));
        }

        readings.Add(new BacktestReading("G1", "waterlog", t0, [("depth_cm", 45)], null, null));
        readings.Add(new BacktestReading("G1", "waterlog", t0.AddMinutes(20), [("depth_cm", 10)], null, null));
        ReplaySilence[] silences = [new("works", "G1", null, null, null, t0, t0.AddMinutes(10))];

        var result = Backtester.Run(Set, readings, new BacktestFilter(To: t0.AddMinutes(30)), NoZones.Instance, _ => null, silences);

        // MH1: the first alarm, then one flapping alarm (its raises and clears from 3m on are the same alarm) quiet at 18m.
        var gas = result.Cases.Where(c => c.Device == "MH1").ToList();
        Assert.Equal(2, gas.Count);
        Assert.Equal(
            [CaseEventKind.Raised, CaseEventKind.Flapping, CaseEventKind.Quiet],
            gas[1].Events.Select(e => e.Event));
        Assert.Equal(t0.AddMinutes(18), gas[1].Events[^1].At);
        Assert.Equal(new ReplaySilenced("G1", "depth", t0, t0, "works", t0.AddMinutes(10)), Assert.Single(result.Silenced));
        Assert.Empty(result.Suppressed);
        Assert.Equal(Severity.Orange, result.Cases.Single(c => c.Device == "G1").Severity);
    }

    [Fact]
    public void The_example_of_docs_rules_md_passes()
    {
        var result = Test("""
            until: 40m
            silences:
              - { id: pump-works, grid: "410702", rule: depth, from: 0, until: 30m }
            devices:
              - { id: WL-1, kind: waterlog, grid: "410702001", series: { every: 1m, depth_cm: "45x35 10" } }
              - { id: MH-1, kind: manhole, series: { every: 1m, gas_ch4_lel: "20 2 20 2 20" } }
            expect:
              - { at: 0,   device: WL-1, rule: depth, event: raised, severity: orange, silencedBy: pump-works }
              - { at: 30m, device: WL-1, rule: depth, event: unsuppressed }
              - { at: 35m, device: WL-1, rule: depth, event: cleared }
              - { at: 0,   device: MH-1, rule: gas, event: raised, severity: yellow }
              - { at: 1m,  device: MH-1, rule: gas, event: cleared }
              - { at: 2m,  device: MH-1, rule: gas, event: raised, severity: yellow }
              - { at: 3m,  device: MH-1, rule: gas, event: flapping }
              - { at: 14m, device: MH-1, rule: gas, event: quiet }
            """);

        Assert.Empty(Failures(result));
    }
}
