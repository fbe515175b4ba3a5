using CityOps.Rules;

namespace CityOps.Tests.Rules;

/// <summary><c>predict:</c> trend pre-alerts: a least-squares line over the last <c>over</c>, alarm while it reaches the value within <c>within</c>.</summary>
public class PredictRuleTests
{
    private const string Rules = """
        rules:
          - id: rising
            kind: waterlog
            predict: { metric: depth_cm, reaches: 50, within: 15m, over: 10m }
            levels: [ { severity: yellow } ]
            case: { file: confirm, code: "0406", title: "积水上涨 预计 {eta} 到达 50 cm" }
        """;

    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public void A_steady_rise_warns_when_the_line_reaches_the_value_within_the_window_with_its_eta()
    {
        var gauge = new SeriesJudge(Rules);

        // 2 cm a minute from 10 cm: at 5 minutes the line is at 20 cm, 15 minutes from 50.
        var changes = gauge.Series(TimeSpan.Zero, Minute, 10, 12, 14, 16, 18, 20);

        Assert.Equal([(TimeSpan.FromMinutes(5), "rising", AlarmChangeKind.Raised)], changes);
        Assert.Equal(15, gauge.Alarm("rising")!.Eta!.Value, 6);
        Assert.Empty(gauge.Feed(TimeSpan.FromMinutes(6), 22));
        Assert.Equal(14, gauge.Alarm("rising")!.Eta!.Value, 6);
        Assert.Equal("14 分钟", CaseTemplate.FormatEta(gauge.Alarm("rising")!.Eta));
        Assert.Equal("积水上涨 预计 14 分钟 到达 50 cm", new SeriesRule(Rules).Case.RenderTitle(n => n == "eta" ? CaseTemplate.FormatEta(14) : null));
    }

    [Fact]
    public void It_clears_when_the_trend_turns()
    {
        var gauge = new SeriesJudge(Rules);
        gauge.Series(TimeSpan.Zero, Minute, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);

        var changes = gauge.Series(TimeSpan.FromMinutes(11), Minute, 28, 26, 24, 22, 20, 18);

        Assert.Equal("rising", Assert.Single(changes).Rule);
        Assert.Equal(AlarmChangeKind.Cleared, changes[0].Kind);
    }

    [Fact]
    public void A_slow_rise_a_short_history_or_a_value_already_past_does_not_warn()
    {
        Assert.Empty(new SeriesJudge(Rules).Series(TimeSpan.Zero, Minute, 10, 10.5, 11, 11.5, 12, 12.5, 13, 13.5, 14, 14.5, 15));
        Assert.Empty(new SeriesJudge(Rules).Series(TimeSpan.Zero, Minute, 10, 20, 30, 40)); // 3 minutes: less than half of over
        Assert.Empty(new SeriesJudge(Rules).Series(TimeSpan.Zero, Minute, 45, 48, 51, 54, 57, 60, 63)); // the depth rule's business
    }

    [Fact]
    public void A_falling_value_warns_on_a_reaches_below_it()
    {
        var gauge = new SeriesJudge(Rules.Replace("reaches: 50", "reaches: 5", StringComparison.Ordinal));

        Assert.Contains(("rising", AlarmChangeKind.Raised), gauge.Series(TimeSpan.Zero, Minute, 40, 38, 36, 34, 32, 30, 28, 26).Select(c => (c.Rule, c.Kind)));
    }

    [Theory]
    [InlineData("over: 0", "rules[0].predict.over: over must be longer than 0")]
    [InlineData("over: 10", "rules[0].predict.over: '10' has no unit; write e.g. 10s or 10m (only 0 stands alone)")]
    [InlineData("ovr: 10m", "rules[0].predict.over: predict: needs over:, the span of readings the line is fitted to, e.g. over: 10m")]
    public void Over_must_be_a_positive_duration(string over, string expected)
    {
        var result = RuleParser.Parse("test.yaml", Rules.Replace("over: 10m", over, StringComparison.Ordinal));

        Assert.Contains(result.Errors, e => e.ToString().StartsWith("test.yaml:4:", StringComparison.Ordinal) && e.ToString().EndsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Over_shorter_than_two_reporting_intervals_of_the_kind_is_refused_at_predict_over()
    {
        RuleParseResult Parse(TimeSpan? interval, string over) => RuleParser.Parse(
            [new("test.yaml", Rules.Replace("over: 10m", over, StringComparison.Ordinal))],
            new RuleParseOptions { Kinds = KindCatalog.Default.With([new KindDefinition("waterlog", [], Interval: interval)]) });

        var refused = Parse(TimeSpan.FromMinutes(6), "over: 10m");

        Assert.Equal(
            "test.yaml:4:66: rules[0].predict.over: over 10m is shorter than two reporting intervals of a waterlog (6m, the kind's interval:): the line needs three readings within over; make it at least 12m",
            Assert.Single(refused.Errors).ToString());
        Assert.True(Parse(TimeSpan.FromMinutes(5), "over: 10m").Success); // exactly three readings: 0, 5, 10 minutes
        Assert.True(Parse(null, "over: 1s").Success); // no interval configured: nothing to check against
    }

    private sealed class SeriesRule(string yaml)
    {
        public CaseTemplate Case { get; } = TestRules.Single(yaml).Case;
    }
}
