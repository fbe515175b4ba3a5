using CityOps.Grains;
using CityOps.Rules;
using Microsoft.Extensions.Time.Testing;
using static CityOps.Tests.Rules.TestRules;

namespace CityOps.Tests.Rules;

public class OfflineRuleTests
{
    private readonly FakeTimeProvider _time = new(T0);

    [Fact]
    public void Device_silent_for_the_offline_window_is_raised_yellow_by_default()
    {
        var rule = Offline("30m");
        var state = new AlarmState();
        var lastSeen = _time.GetUtcNow();

        _time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(AlarmChangeKind.None, RuleEvaluator.CheckOffline(rule, state, lastSeen, _time.GetUtcNow()).Kind);
        Assert.Equal(AlarmPhase.Idle, state.Phase);

        _time.Advance(TimeSpan.FromMinutes(1));
        var raised = RuleEvaluator.CheckOffline(rule, state, lastSeen, _time.GetUtcNow());

        Assert.Equal(new AlarmChange(AlarmChangeKind.Raised, Severity.Yellow, 30, _time.GetUtcNow()), raised);
        Assert.Equal(AlarmPhase.Active, state.Phase);
        Assert.Equal(_time.GetUtcNow(), state.ActiveSince);
        Assert.Equal(Severity.Yellow, state.Severity);
    }

    [Fact]
    public void Offline_rule_raises_the_severity_of_its_single_level()
    {
        var rule = Offline("1h", severity: "orange");
        var state = new AlarmState();
        var lastSeen = _time.GetUtcNow();

        _time.Advance(TimeSpan.FromHours(2));
        var raised = RuleEvaluator.CheckOffline(rule, state, lastSeen, _time.GetUtcNow());

        Assert.Equal(AlarmChangeKind.Raised, raised.Kind);
        Assert.Equal(Severity.Orange, raised.Severity);
        Assert.Equal(120, raised.Value);
    }

    [Fact]
    public void Device_never_seen_is_not_raised()
    {
        var rule = Offline("30m");
        var state = new AlarmState();

        _time.Advance(TimeSpan.FromDays(3));

        Assert.Equal(AlarmChangeKind.None, RuleEvaluator.CheckOffline(rule, state, lastSeen: null, _time.GetUtcNow()).Kind);
        Assert.Equal(AlarmPhase.Idle, state.Phase);
    }

    [Fact]
    public void Offline_alarm_is_raised_once_while_the_silence_lasts()
    {
        var rule = Offline("30m");
        var state = new AlarmState();
        var lastSeen = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromMinutes(31));
        RuleEvaluator.CheckOffline(rule, state, lastSeen, _time.GetUtcNow());

        _time.Advance(TimeSpan.FromMinutes(10));
        var again = RuleEvaluator.CheckOffline(rule, state, lastSeen, _time.GetUtcNow());

        Assert.Equal(AlarmChangeKind.None, again.Kind);
        Assert.Equal(AlarmPhase.Active, state.Phase);
    }

    [Fact]
    public void Reading_that_arrives_clears_the_offline_alarm()
    {
        var rule = Offline("30m");
        var state = new AlarmState();
        var lastSeen = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromMinutes(45));
        RuleEvaluator.CheckOffline(rule, state, lastSeen, _time.GetUtcNow());

        _time.Advance(TimeSpan.FromMinutes(5));
        var readingAt = _time.GetUtcNow().AddSeconds(-2);
        var cleared = RuleEvaluator.ReadingArrived(rule, state, readingAt);

        Assert.Equal(new AlarmChange(AlarmChangeKind.Cleared, Severity.Yellow, 0, readingAt), cleared);
        Assert.Equal(AlarmPhase.Idle, state.Phase);
        Assert.Equal(AlarmChangeKind.None, RuleEvaluator.ReadingArrived(rule, state, readingAt.AddSeconds(1)).Kind);
    }

    [Fact]
    public void Reading_for_an_idle_offline_rule_changes_nothing()
    {
        var rule = Offline("30m");
        var state = new AlarmState();

        Assert.Equal(AlarmChangeKind.None, RuleEvaluator.ReadingArrived(rule, state, _time.GetUtcNow()).Kind);
        Assert.Equal(AlarmPhase.Idle, state.Phase);
    }

    [Fact]
    public void Offline_check_clears_the_alarm_when_last_seen_is_recent_again()
    {
        var rule = Offline("30m");
        var state = new AlarmState();
        var lastSeen = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromMinutes(40));
        RuleEvaluator.CheckOffline(rule, state, lastSeen, _time.GetUtcNow());

        _time.Advance(TimeSpan.FromMinutes(1));
        var cleared = RuleEvaluator.CheckOffline(rule, state, _time.GetUtcNow().AddSeconds(-10), _time.GetUtcNow());

        Assert.Equal(AlarmChangeKind.Cleared, cleared.Kind);
        Assert.Equal(AlarmPhase.Idle, state.Phase);
    }

    [Fact]
    public void Threshold_rules_ignore_offline_checks()
    {
        var rule = Depth();
        var state = new AlarmState();

        Assert.Equal(AlarmChangeKind.None, RuleEvaluator.CheckOffline(rule, state, T0.AddDays(-1), _time.GetUtcNow()).Kind);
        Assert.Equal(AlarmChangeKind.None, RuleEvaluator.ReadingArrived(rule, Raised(rule, 30, T0), T0.AddMinutes(1)).Kind);
    }
}
