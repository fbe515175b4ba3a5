using System.Collections.Immutable;
using CityOps.Grains;
using CityOps.Rules;

namespace CityOps.Tests.Rules;

public class DeviceJudgeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);

    private static readonly RuleSet Rules = RuleParser.Parse("set.yaml", """
        rules:
          - id: tilt
            kind: manhole
            metric: tilt_deg
            levels: [ { severity: yellow, above: 10 }, { severity: red, above: 30 } ]
            case: { code: "0102", title: "t" }
          - id: silent
            kind: manhole
            offline: 30m
            case: { code: "0102", title: "t" }
        """).RuleSet!;

    private static DeviceJudge Judge(IReadOnlyDictionary<string, string>? attributes = null)
    {
        var judge = new DeviceJudge(KindCatalog.Default.Get("manhole"), NoZones.Instance);
        judge.UseRules(Rules);
        judge.Tune(attributes ?? ImmutableDictionary<string, string>.Empty);
        return judge;
    }

    // Judges one reading as the device grain and the replay do; the changes it caused, by rule.
    private static List<(string Rule, AlarmChangeKind Kind, Severity Severity)> Feed(DeviceJudge judge, DateTimeOffset at, double tilt)
    {
        judge.Begin(at);
        judge.Set("tilt_deg", tilt);
        judge.Remember();
        var changes = new List<(string, AlarmChangeKind, Severity)>();
        for (var i = 0; i < judge.Rules.Length; i++)
        {
            if (judge.Evaluate(i, out var change, out _, out _))
            {
                changes.Add((judge.Rules[i].Id, change.Kind, change.Severity));
            }
        }

        return changes;
    }

    [Fact]
    public void Idle_rules_keep_no_state_until_a_reading_moves_them()
    {
        var judge = Judge();

        Assert.Empty(Feed(judge, T0, 1));
        Assert.Empty(judge.Alarms);

        Assert.Equal([("tilt", AlarmChangeKind.Raised, Severity.Yellow)], Feed(judge, T0.AddMinutes(1), 12));
        Assert.Equal(AlarmPhase.Active, judge.AlarmOf("tilt")!.Phase);
        Assert.Equal([("tilt", AlarmChangeKind.Escalated, Severity.Red)], Feed(judge, T0.AddMinutes(2), 40));
    }

    [Fact]
    public void Device_threshold_attributes_tune_its_rules_and_bad_ones_are_reported()
    {
        var problems = new List<string>();
        var judge = new DeviceJudge(KindCatalog.Default.Get("manhole"), NoZones.Instance);
        judge.UseRules(Rules);
        judge.Tune(new Dictionary<string, string> { ["threshold.tilt.yellow"] = "5", ["threshold.silent.offline"] = "2h" }, problems);

        Assert.Empty(problems);
        Assert.Equal([("tilt", AlarmChangeKind.Raised, Severity.Yellow)], Feed(judge, T0, 6));
        Assert.Equal(TimeSpan.FromHours(2), judge.OfflineWindow(judge.Rules.Single(r => r.Id == "silent")));

        judge.Tune(new Dictionary<string, string> { ["threshold.tilt.yellow"] = "fifty" }, problems);
        Assert.Single(problems);
    }

    [Fact]
    public void Offline_rule_raises_after_its_window_and_a_reading_clears_it()
    {
        var judge = Judge();
        var silent = judge.Rules.IndexOf(judge.Rules.Single(r => r.Id == "silent"));

        Assert.False(judge.CheckOffline(silent, T0, T0.AddMinutes(29), out _, out _));
        Assert.Equal(T0.AddMinutes(30), judge.OfflineDue(T0));
        Assert.True(judge.CheckOffline(silent, T0, T0.AddMinutes(31), out var raised, out _));
        Assert.Equal(AlarmChangeKind.Raised, raised.Kind);
        Assert.Null(judge.OfflineDue(T0)); // raised: nothing more to wait for

        Assert.True(judge.Arrived(silent, T0.AddMinutes(40), out var cleared, out _));
        Assert.Equal(AlarmChangeKind.Cleared, cleared.Kind);
    }

    [Theory]
    [InlineData(1000, null, 1000, null, ReadingOrder.Next)] // a gateway batch stamped on receipt: never a redelivery
    [InlineData(1000, 7L, 1000, null, ReadingOrder.Next)]
    [InlineData(1000, null, 1000, 7L, ReadingOrder.Next)]
    [InlineData(1000, 8L, 1000, 7L, ReadingOrder.Next)]
    [InlineData(1000, 7L, 1000, 7L, ReadingOrder.Redelivered)]
    [InlineData(999, 8L, 1000, 7L, ReadingOrder.Late)]
    [InlineData(1001, null, 1000, null, ReadingOrder.Next)]
    public void Order_judges_newer_readings_and_as_new_ones_unless_they_repeat_the_seq(long ts, long? seq, long lastTs, long? lastSeq, ReadingOrder expected)
    {
        Assert.Equal(expected, DeviceJudge.Order(ts, seq, lastTs, lastSeq, nowMs: 2000, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Order_leaves_readings_stamped_too_far_ahead_unjudged()
    {
        var now = T0.ToUnixTimeMilliseconds();
        var tolerance = TimeSpan.FromMinutes(5);

        Assert.Equal(ReadingOrder.Next, DeviceJudge.Order(now + (long)tolerance.TotalMilliseconds, null, now, null, now, tolerance));
        Assert.Equal(ReadingOrder.Ahead, DeviceJudge.Order(now + (long)tolerance.TotalMilliseconds + 1, null, now, null, now, tolerance));
        Assert.Equal(ReadingOrder.Ahead, DeviceJudge.Order(now + (long)TimeSpan.FromHours(23).TotalMilliseconds, 9, 0, null, now, tolerance));
    }
}
