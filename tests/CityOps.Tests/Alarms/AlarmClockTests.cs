using System.Collections.Immutable;
using CityOps.Grains;
using CityOps.Rules;

namespace CityOps.Tests.Alarms;

/// <summary><c>escalate:</c> and <c>remind:</c>: when time alone escalates or reminds an alarm, and how the rule file is checked.</summary>
public sealed class AlarmClockTests
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);

    private static readonly ImmutableArray<EscalationStep> Steps =
    [
        new(TimeSpan.FromMinutes(30), Severity.Orange, UnlessAcknowledged: true),
        new(TimeSpan.FromHours(1), Severity.Red, UnlessAcknowledged: false),
    ];

    private const string Good = """
        rules:
          - id: depth
            kind: waterlog
            metric: depth_cm
            levels:
              - { severity: blue,   above: 15 }
              - { severity: yellow, above: 27 }
            escalate:
              - { after: 30m, to: orange, unless: acknowledged }
              - { after: 1h, to: red }
            remind: 15m
            case: { code: "0406", title: "积水" }
          - id: offline
            kind: waterlog
            offline: 30m
            escalate: [ { after: 2h, to: orange } ]
            case: { code: "0406", title: "离线" }
        """;

    [Fact]
    public void A_step_is_due_at_its_after_not_before()
    {
        Assert.Null(AlarmClock.EscalationDue(Steps, T0, Severity.Blue, acknowledged: false, T0.AddMinutes(30).AddTicks(-1)));
        Assert.Equal(Severity.Orange, AlarmClock.EscalationDue(Steps, T0, Severity.Blue, acknowledged: false, T0.AddMinutes(30)));
        Assert.Equal(T0.AddMinutes(30), AlarmClock.NextEscalation(Steps, T0, Severity.Blue, acknowledged: false));
    }

    [Fact]
    public void Unless_acknowledged_skips_the_step_but_not_the_steps_without_it()
    {
        Assert.Null(AlarmClock.EscalationDue(Steps, T0, Severity.Blue, acknowledged: true, T0.AddMinutes(59)));
        Assert.Equal(T0.AddHours(1), AlarmClock.NextEscalation(Steps, T0, Severity.Blue, acknowledged: true));
        Assert.Equal(Severity.Red, AlarmClock.EscalationDue(Steps, T0, Severity.Blue, acknowledged: true, T0.AddHours(1)));
    }

    [Fact]
    public void Never_down_and_the_highest_due_step_wins_after_an_outage()
    {
        Assert.Equal(Severity.Red, AlarmClock.EscalationDue(Steps, T0, Severity.Blue, acknowledged: false, T0.AddHours(3)));
        Assert.Null(AlarmClock.EscalationDue(Steps, T0, Severity.Red, acknowledged: false, T0.AddHours(3)));
        Assert.Null(AlarmClock.NextEscalation(Steps, T0, Severity.Red, acknowledged: false));
        // A reading already took it to orange: only the red step is left.
        Assert.Equal(T0.AddHours(1), AlarmClock.NextEscalation(Steps, T0, Severity.Orange, acknowledged: false));

        var state = new AlarmState { Severity = Severity.Red };
        Assert.False(AlarmClock.Escalate(state, Severity.Orange));
        Assert.Equal(Severity.Red, state.Severity);
        state.Severity = Severity.Blue;
        Assert.True(AlarmClock.Escalate(state, Severity.Orange));
        Assert.Equal(Severity.Orange, state.Severity);
    }

    [Fact]
    public void Reminders_follow_the_last_one_and_stop_when_quiet()
    {
        var every = TimeSpan.FromMinutes(15);
        Assert.Equal(T0.AddMinutes(15), AlarmClock.NextReminder(every, T0, null, quiet: false));
        Assert.Equal(T0.AddMinutes(47), AlarmClock.NextReminder(every, T0, T0.AddMinutes(32), quiet: false));
        Assert.Null(AlarmClock.NextReminder(every, T0, null, quiet: true));
        Assert.Null(AlarmClock.NextReminder(null, T0, null, quiet: false));
    }

    [Fact]
    public void Escalate_and_remind_are_parsed_and_part_of_the_definition()
    {
        var result = RuleParser.Parse("f.yaml", Good);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Errors));
        var depth = Assert.Single(result.RuleSet!.Rules, r => r.Id == "depth");
        Assert.Equal(Steps.ToArray(), depth.Escalate.ToArray());
        Assert.Equal(TimeSpan.FromMinutes(15), depth.Remind);
        Assert.Contains("escalate=30m>orange/unacknowledged,1h>red remind=15m", depth.Definition, StringComparison.Ordinal);
        var offline = Assert.Single(result.RuleSet.Rules, r => r.Id == "offline");
        Assert.Equal([new EscalationStep(TimeSpan.FromHours(2), Severity.Orange, false)], offline.Escalate.ToArray());
        Assert.Null(offline.Remind);

        // A rule without the keys keeps the definition it had (alarms judged by it are not revised).
        var plain = RuleParser.Parse("f.yaml", Good.Replace("    remind: 15m\n", "", StringComparison.Ordinal)
            .Replace("    escalate:\n      - { after: 30m, to: orange, unless: acknowledged }\n      - { after: 1h, to: red }\n", "", StringComparison.Ordinal));
        Assert.True(plain.Success, string.Join(Environment.NewLine, plain.Errors));
        Assert.DoesNotContain("escalate", plain.RuleSet!.Rules[0].Definition, StringComparison.Ordinal);
        Assert.DoesNotContain("remind", plain.RuleSet.Rules[0].Definition, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ after: 30m, to: orange, unless: acknowledged }", "{ after: 30, to: orange }", "rules[0].escalate[0].after", 9)]
    [InlineData("{ after: 30m, to: orange, unless: acknowledged }", "{ after: 0, to: orange }", "rules[0].escalate[0].after", 9)]
    [InlineData("{ after: 30m, to: orange, unless: acknowledged }", "{ to: orange }", "rules[0].escalate[0].after", 9)]
    [InlineData("{ after: 30m, to: orange, unless: acknowledged }", "{ after: 30m, to: purple }", "rules[0].escalate[0].to", 9)]
    [InlineData("{ after: 30m, to: orange, unless: acknowledged }", "{ after: 30m, to: blue }", "rules[0].escalate[0].to", 9)]
    [InlineData("{ after: 30m, to: orange, unless: acknowledged }", "{ after: 30m }", "rules[0].escalate[0].to", 9)]
    [InlineData("{ after: 30m, to: orange, unless: acknowledged }", "{ after: 30m, to: orange, unless: filed }", "rules[0].escalate[0].unless", 9)]
    [InlineData("{ after: 30m, to: orange, unless: acknowledged }", "{ after: 30m, to: orange, until: acknowledged }", "rules[0].escalate[0].until", 9)]
    [InlineData("{ after: 1h, to: red }", "{ after: 20m, to: red }", "rules[0].escalate[1]", 10)]
    [InlineData("{ after: 1h, to: red }", "{ after: 2h, to: orange }", "rules[0].escalate[1]", 10)]
    [InlineData("remind: 15m", "remind: 30s", "rules[0].remind", 11)]
    [InlineData("remind: 15m", "remind: often", "rules[0].remind", 11)]
    public void Bad_escalate_and_remind_are_refused_with_file_line_and_field(string good, string bad, string field, int line)
    {
        var result = RuleParser.Parse("f.yaml", Good.Replace(good, bad, StringComparison.Ordinal));
        Assert.False(result.Success);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("f.yaml", field, line), (error.File, error.Field, error.Line));
    }

    [Fact]
    public void Escalate_to_the_lowest_severity_of_an_offline_rule_is_refused()
    {
        var result = RuleParser.Parse("f.yaml", Good.Replace("{ after: 2h, to: orange }", "{ after: 2h, to: yellow }", StringComparison.Ordinal));
        var error = Assert.Single(result.Errors);
        Assert.Equal(("rules[1].escalate[0].to", 16), (error.Field, error.Line));
        Assert.Contains("lowest severity (yellow)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Escalate_must_be_a_list_of_steps()
    {
        var result = RuleParser.Parse("f.yaml", Good.Replace("escalate: [ { after: 2h, to: orange } ]", "escalate: { after: 2h, to: orange }", StringComparison.Ordinal));
        var error = Assert.Single(result.Errors);
        Assert.Equal(("rules[1].escalate", 16), (error.Field, error.Line));
    }
}
