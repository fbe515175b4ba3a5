using CityOps.Grains;
using CityOps.Rules;
using static CityOps.Tests.Rules.TestRules;

namespace CityOps.Tests.Rules;

public class RuleEvaluatorTests
{
    [Theory]
    [InlineData(10, Severity.None)]
    [InlineData(15, Severity.None)]
    [InlineData(15.1, Severity.Blue)]
    [InlineData(27, Severity.Blue)]
    [InlineData(27.5, Severity.Yellow)]
    [InlineData(40.01, Severity.Orange)]
    [InlineData(50, Severity.Orange)]
    [InlineData(120, Severity.Red)]
    public void Ladder_level_is_the_highest_threshold_strictly_exceeded(double depth, Severity expected)
    {
        var rule = Depth();
        var state = new AlarmState();

        var change = RuleEvaluator.Evaluate(rule, state, T0, depth);

        Assert.Equal(expected, state.CurrentLevel);
        Assert.Equal(expected == Severity.None ? AlarmChangeKind.None : AlarmChangeKind.Raised, change.Kind);
        Assert.Equal(expected, change.Severity);
    }

    [Theory]
    [InlineData(45, Severity.None)]
    [InlineData(30, Severity.None)]
    [InlineData(29.9, Severity.Yellow)]
    [InlineData(10, Severity.Yellow)]
    [InlineData(9.5, Severity.Red)]
    [InlineData(-3, Severity.Red)]
    public void Below_ladder_mirrors_above(double gap, Severity expected)
    {
        var rule = WaterGap();

        Assert.Equal(ThresholdDirection.Below, rule.Direction);
        Assert.Equal(expected, RuleEvaluator.LevelOf(rule, gap));
    }

    [Fact]
    public void Rule_without_for_raises_on_the_first_breach_with_the_values_level()
    {
        var rule = Depth();
        var state = new AlarmState();

        var change = RuleEvaluator.Evaluate(rule, state, T0, 42);

        Assert.Equal(new AlarmChange(AlarmChangeKind.Raised, Severity.Orange, 42, T0), change);
        Assert.Equal(AlarmPhase.Active, state.Phase);
        Assert.Equal(T0, state.ActiveSince);
        Assert.Equal(Severity.Orange, state.Severity);
        Assert.Equal(42, state.Peak);
        Assert.Equal(42, state.LastValue);
        Assert.Equal(T0, state.LastEvaluated);
    }

    [Fact]
    public void For_zero_raises_at_once()
    {
        var rule = Depth(forDuration: "0");

        Assert.Equal(TimeSpan.Zero, rule.For);
        Assert.Equal(AlarmChangeKind.Raised, RuleEvaluator.Evaluate(rule, new AlarmState(), T0, 30).Kind);
    }

    [Fact]
    public void Breach_that_holds_for_the_whole_for_duration_is_raised_at_the_current_level()
    {
        var rule = Depth(forDuration: "1m");
        var state = new AlarmState();

        var first = RuleEvaluator.Evaluate(rule, state, T0, 45);
        Assert.Equal(new AlarmChange(AlarmChangeKind.Pending, Severity.Orange, 45, T0), first);
        Assert.Equal(AlarmPhase.Pending, state.Phase);
        Assert.Equal(T0, state.PendingSince);

        var middle = RuleEvaluator.Evaluate(rule, state, T0.AddSeconds(30), 31);
        Assert.Equal(AlarmChangeKind.None, middle.Kind);
        Assert.Equal(AlarmPhase.Pending, state.Phase);
        Assert.Equal(T0, state.PendingSince);

        var raised = RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(1), 28);
        Assert.Equal(new AlarmChange(AlarmChangeKind.Raised, Severity.Yellow, 28, T0.AddMinutes(1)), raised);
        Assert.Equal(AlarmPhase.Active, state.Phase);
        Assert.Equal(T0.AddMinutes(1), state.ActiveSince);
        Assert.Null(state.PendingSince);
    }

    [Fact]
    public void Breach_interrupted_by_a_reading_back_inside_starts_the_wait_again()
    {
        var rule = Depth(forDuration: "1m");
        var state = new AlarmState();

        RuleEvaluator.Evaluate(rule, state, T0, 30);
        var back = RuleEvaluator.Evaluate(rule, state, T0.AddSeconds(30), 10);
        Assert.Equal(AlarmChangeKind.None, back.Kind);
        Assert.Equal(AlarmPhase.Idle, state.Phase);
        Assert.Null(state.PendingSince);

        Assert.Equal(AlarmChangeKind.Pending, RuleEvaluator.Evaluate(rule, state, T0.AddSeconds(60), 30).Kind);
        Assert.Equal(T0.AddSeconds(60), state.PendingSince);
        Assert.Equal(AlarmChangeKind.None, RuleEvaluator.Evaluate(rule, state, T0.AddSeconds(90), 30).Kind);
        Assert.Equal(AlarmChangeKind.Raised, RuleEvaluator.Evaluate(rule, state, T0.AddSeconds(120), 30).Kind);
    }

    [Fact]
    public void Higher_level_escalates_and_severity_never_falls_while_active()
    {
        var rule = Depth();
        var state = Raised(rule, 30, T0);

        var escalated = RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(1), 45);
        Assert.Equal(new AlarmChange(AlarmChangeKind.Escalated, Severity.Orange, 45, T0.AddMinutes(1)), escalated);

        var lower = RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(2), 30);
        Assert.Equal(new AlarmChange(AlarmChangeKind.Updated, Severity.Orange, 30, T0.AddMinutes(2)), lower);
        Assert.Equal(Severity.Orange, state.Severity);
        Assert.Equal(Severity.Yellow, state.CurrentLevel);

        var same = RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(3), 44);
        Assert.Equal(AlarmChangeKind.Updated, same.Kind);

        var red = RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(4), 51);
        Assert.Equal(new AlarmChange(AlarmChangeKind.Escalated, Severity.Red, 51, T0.AddMinutes(4)), red);
    }

    [Fact]
    public void Peak_is_the_highest_value_while_an_above_alarm_is_active()
    {
        var rule = Depth();
        var state = Raised(rule, 30, T0);

        RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(1), 48);
        RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(2), 35);

        Assert.Equal(48, state.Peak);
        Assert.Equal(35, state.LastValue);
    }

    [Fact]
    public void Peak_is_the_lowest_value_while_a_below_alarm_is_active()
    {
        var rule = WaterGap();
        var state = Raised(rule, 25, T0);

        var red = RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(1), 8);
        RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(2), 20);

        Assert.Equal(AlarmChangeKind.Escalated, red.Kind);
        Assert.Equal(8, state.Peak);
        Assert.Equal(Severity.Red, state.Severity);
    }

    [Fact]
    public void Pending_values_do_not_count_towards_the_peak()
    {
        var rule = Depth(forDuration: "1m");
        var state = new AlarmState();

        RuleEvaluator.Evaluate(rule, state, T0, 55);
        RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(1), 30);

        Assert.Equal(AlarmPhase.Active, state.Phase);
        Assert.Equal(Severity.Yellow, state.Severity);
        Assert.Equal(30, state.Peak);
    }

    [Fact]
    public void Alarm_without_clear_policy_clears_on_the_first_reading_back_inside()
    {
        var rule = Depth();
        var state = Raised(rule, 30, T0);

        var cleared = RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(1), 15);

        Assert.Equal(new AlarmChange(AlarmChangeKind.Cleared, Severity.Yellow, 15, T0.AddMinutes(1)), cleared);
        Assert.Equal(AlarmPhase.Idle, state.Phase);
    }

    [Fact]
    public void Alarm_that_clears_within_hysteresis_stays_raised()
    {
        var rule = Depth(clear: "{ hysteresis: 3 }");
        var state = Raised(rule, 20, T0);

        var inside = RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(1), 13);

        Assert.Equal(AlarmChangeKind.Updated, inside.Kind);
        Assert.Equal(AlarmPhase.Active, state.Phase);
        Assert.Equal(Severity.None, state.CurrentLevel);
    }

    [Fact]
    public void Alarm_clears_once_the_value_reaches_threshold_minus_hysteresis()
    {
        var rule = Depth(clear: "{ hysteresis: 3 }");
        var state = Raised(rule, 20, T0);

        var cleared = RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(1), 12);

        Assert.Equal(AlarmChangeKind.Cleared, cleared.Kind);
        Assert.Equal(AlarmPhase.Idle, state.Phase);
    }

    [Fact]
    public void Alarm_clears_only_after_staying_inside_for_clear_for()
    {
        var rule = Depth(clear: "{ hysteresis: 3, for: 5m }");
        var state = Raised(rule, 30, T0);
        var t1 = T0.AddMinutes(10);

        var clearing = RuleEvaluator.Evaluate(rule, state, t1, 10);
        Assert.Equal(AlarmChangeKind.Updated, clearing.Kind);
        Assert.Equal(AlarmPhase.Clearing, state.Phase);
        Assert.Equal(t1, state.ClearingSince);

        Assert.Equal(AlarmChangeKind.Updated, RuleEvaluator.Evaluate(rule, state, t1.AddMinutes(4), 9).Kind);
        Assert.Equal(AlarmPhase.Clearing, state.Phase);
        Assert.Equal(t1, state.ClearingSince);

        var cleared = RuleEvaluator.Evaluate(rule, state, t1.AddMinutes(5), 8);
        Assert.Equal(new AlarmChange(AlarmChangeKind.Cleared, Severity.Yellow, 8, t1.AddMinutes(5)), cleared);
        Assert.Equal(AlarmPhase.Idle, state.Phase);
        Assert.Null(state.ClearingSince);
    }

    [Fact]
    public void Value_back_above_the_clear_line_cancels_clearing()
    {
        var rule = Depth(clear: "{ hysteresis: 3, for: 5m }");
        var state = Raised(rule, 30, T0);

        RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(1), 10);
        var back = RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(4), 13);
        Assert.Equal(AlarmChangeKind.Updated, back.Kind);
        Assert.Equal(AlarmPhase.Active, state.Phase);
        Assert.Null(state.ClearingSince);

        // The wait starts over: five minutes from the next reading inside, not from the first.
        RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(5), 10);
        Assert.Equal(T0.AddMinutes(5), state.ClearingSince);
        Assert.Equal(AlarmChangeKind.Updated, RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(9), 10).Kind);
        Assert.Equal(AlarmChangeKind.Cleared, RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(10), 10).Kind);
    }

    [Fact]
    public void Surge_while_clearing_escalates_and_returns_to_active()
    {
        var rule = Depth(clear: "{ for: 5m }");
        var state = Raised(rule, 30, T0);

        RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(1), 10);
        var surge = RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(2), 60);

        Assert.Equal(new AlarmChange(AlarmChangeKind.Escalated, Severity.Red, 60, T0.AddMinutes(2)), surge);
        Assert.Equal(AlarmPhase.Active, state.Phase);
        Assert.Equal(60, state.Peak);
    }

    [Fact]
    public void Below_alarm_clears_at_threshold_plus_hysteresis()
    {
        var rule = WaterGap(clear: "{ hysteresis: 5 }");
        var state = Raised(rule, 25, T0);

        Assert.Equal(AlarmChangeKind.Updated, RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(1), 33).Kind);
        Assert.Equal(AlarmPhase.Active, state.Phase);

        Assert.Equal(AlarmChangeKind.Cleared, RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(2), 35).Kind);
        Assert.Equal(AlarmPhase.Idle, state.Phase);
    }

    [Fact]
    public void Cleared_alarm_keeps_its_severity_and_peak_for_the_caller_and_a_new_breach_raises_afresh()
    {
        var rule = Depth();
        var state = Raised(rule, 45, T0);
        RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(1), 10);

        Assert.Equal(AlarmPhase.Idle, state.Phase);
        Assert.Equal(Severity.Orange, state.Severity);
        Assert.Equal(45, state.Peak);

        var again = RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(2), 16);
        Assert.Equal(new AlarmChange(AlarmChangeKind.Raised, Severity.Blue, 16, T0.AddMinutes(2)), again);
        Assert.Equal(Severity.Blue, state.Severity);
        Assert.Equal(16, state.Peak);
        Assert.Equal(T0.AddMinutes(2), state.ActiveSince);
    }

    [Fact]
    public void Readings_at_or_before_the_last_evaluated_time_are_ignored()
    {
        var rule = Depth();
        var state = Raised(rule, 30, T0);
        RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(1), 35);

        var redelivered = RuleEvaluator.Evaluate(rule, state, T0.AddMinutes(1), 60);
        var late = RuleEvaluator.Evaluate(rule, state, T0.AddSeconds(30), 5);

        Assert.Equal(AlarmChangeKind.None, redelivered.Kind);
        Assert.Equal(AlarmChangeKind.None, late.Kind);
        Assert.Equal(AlarmPhase.Active, state.Phase);
        Assert.Equal(Severity.Yellow, state.Severity);
        Assert.Equal(35, state.Peak);
        Assert.Equal(35, state.LastValue);
        Assert.Equal(T0.AddMinutes(1), state.LastEvaluated);
    }

    [Fact]
    public void Non_finite_values_are_ignored()
    {
        var rule = Depth();
        var state = new AlarmState();

        Assert.Equal(AlarmChangeKind.None, RuleEvaluator.Evaluate(rule, state, T0, double.NaN).Kind);
        Assert.Equal(AlarmChangeKind.None, RuleEvaluator.Evaluate(rule, state, T0, double.PositiveInfinity).Kind);
        Assert.Null(state.LastEvaluated);
    }

    [Fact]
    public void Rules_with_conditions_are_kept_but_not_evaluated_yet()
    {
        var rule = Single("""
            rules:
              - id: dark
                kind: streetlight
                metric: current_a
                when: night
                where: "on == 1 && current_a < 0.05"
                levels: [ { severity: yellow, below: 0.05 } ]
                case: { code: "0118", title: "路灯不亮" }
            """);
        var state = new AlarmState();

        var change = RuleEvaluator.Evaluate(rule, state, T0, 0);

        Assert.False(rule.IsEvaluable);
        Assert.Equal(AlarmChangeKind.None, change.Kind);
        Assert.Null(state.LastEvaluated);
        Assert.Equal(AlarmPhase.Idle, state.Phase);
    }

    [Fact]
    public void Offline_rules_are_not_judged_by_values()
    {
        var rule = Offline();

        Assert.False(rule.IsEvaluable);
        Assert.Equal(AlarmChangeKind.None, RuleEvaluator.Evaluate(rule, new AlarmState(), T0, 1000).Kind);
    }

    [Fact]
    public void Threshold_offset_shifts_the_whole_ladder()
    {
        var rule = Depth();

        Assert.Equal(Severity.None, RuleEvaluator.LevelOf(rule, 20, thresholdOffset: 10));
        Assert.Equal(Severity.Blue, RuleEvaluator.LevelOf(rule, 26, thresholdOffset: 10));
        Assert.Equal(AlarmChangeKind.None, RuleEvaluator.Evaluate(rule, new AlarmState(), T0, 20, thresholdOffset: 10).Kind);
    }

    [Fact]
    public void Evaluation_allocates_nothing()
    {
        var rule = Depth(forDuration: "1m", clear: "{ hysteresis: 3, for: 5m }");
        var state = new AlarmState();
        var values = new double[] { 10, 30, 45, 60, 20, 5, 5, 5, 30 };
        var at = T0;
        for (var i = 0; i < 200; i++)
        {
            RuleEvaluator.Evaluate(rule, state, at = at.AddMinutes(1), values[i % values.Length]);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            RuleEvaluator.Evaluate(rule, state, at = at.AddMinutes(1), values[i % values.Length]);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
