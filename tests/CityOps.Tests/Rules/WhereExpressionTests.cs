using CityOps.Rules;
using CityOps.Rules.Expressions;

namespace CityOps.Tests.Rules;

public class WhereExpressionTests
{
    private static readonly DateTimeOffset T0 = TestRules.T0;

    private static bool Holds(string expression, string kind, params (string Metric, double Value)[] metrics)
    {
        var compiled = Compiler.Compile(expression, KindCatalog.Default.Get(kind), out var problems);
        Assert.True(compiled is not null, string.Join("; ", problems));
        var reading = new ReadingContext(KindCatalog.Default.Get(kind));
        reading.Begin(T0);
        foreach (var (metric, value) in metrics)
        {
            Assert.True(reading.Set(metric, value));
        }

        return compiled.Test(reading);
    }

    [Theory]
    [InlineData("on == 1 && current_a < 0.05", 1, 0.01, true)]
    [InlineData("on == 1 && current_a < 0.05", 1, 0.4, false)]
    [InlineData("on == 1 && current_a < 0.05", 0, 0.0, false)]
    [InlineData("!(on == 1) || current_a > 1", 0, 0.4, true)]
    [InlineData("abs(current_a - 0.42) > 0.1", 1, 0.2, true)]
    [InlineData("current_a * 220 + 1 >= 2 * 45 - -3", 1, 0.42, true)]
    [InlineData("voltage_v / 2 != 110", 1, 0.42, true)]
    [InlineData("max(on, current_a) == 1 && min(on, current_a) <= 0.42", 1, 0.42, true)]
    public void Arithmetic_comparisons_and_logic_follow_the_usual_precedence(string expression, double on, double current, bool expected)
    {
        Assert.Equal(expected, Holds(expression, "streetlight", ("on", on), ("current_a", current), ("voltage_v", 221)));
    }

    [Fact]
    public void Device_attributes_are_numbers_by_name_and_unknown_ones_never_match()
    {
        var compiled = Compiler.Compile("depth_cm > device.kerb_cm - 5", KindCatalog.Default.Get("waterlog"), out _)!;
        var reading = new ReadingContext(KindCatalog.Default.Get("waterlog"));
        reading.Begin(T0);
        reading.Set("depth_cm", 12);

        Assert.False(compiled.Test(reading));
        reading.Attributes = ReadingContext.NumericAttributes(new Dictionary<string, string> { ["kerb_cm"] = "15", ["name"] = "x" });
        Assert.True(compiled.Test(reading));
    }

    [Fact]
    public void Rate_is_the_change_per_minute_over_the_window()
    {
        var compiled = Compiler.Compile("rate(depth_cm, 5m) > 2", KindCatalog.Default.Get("waterlog"), out _)!;
        Assert.Equal(TimeSpan.FromMinutes(5), compiled.RateWindow);
        var reading = new ReadingContext(KindCatalog.Default.Get("waterlog"));
        reading.History.Retention = compiled.RateWindow;
        bool At(int minute, double depth)
        {
            reading.Begin(T0.AddMinutes(minute));
            reading.Set("depth_cm", depth);
            reading.History.Add(reading.At, reading.Values);
            return compiled.Test(reading);
        }

        Assert.False(At(0, 10));   // no history yet: the rate is unknown, the comparison false
        Assert.False(At(1, 11));   // 1 cm/min
        Assert.True(At(2, 16));    // (16 - 10) / 2 = 3 cm/min
        Assert.True(At(6, 30));    // the 0-minute sample left the window: (30 - 11) / 5 = 3.8
        Assert.False(At(11, 31));  // (31 - 30) / 5
    }

    [Theory]
    [InlineData("on == 1 &&", 10, "ends too early")]
    [InlineData("on = 1", 3, "==")]
    [InlineData("(on == 1", 8, "never closed")]
    [InlineData("on == 1 current_a", 8, "join conditions")]
    [InlineData("curent_a < 0.05", 0, "unknown metric 'curent_a' for kind 'streetlight'")]
    [InlineData("on && current_a < 1", 0, "needs a condition")]
    [InlineData("current_a + 1", 0, "must be a condition")]
    [InlineData("sqrt(current_a) > 1", 0, "unknown function 'sqrt'")]
    [InlineData("rate(current_a) > 1", 0, "takes 2 arguments")]
    [InlineData("rate(current_a, 5) > 1", 16, "window")]
    [InlineData("current_a > 5m", 12, "only allowed as the window")]
    [InlineData("1 < on < 3", 7, "do not chain")]
    [InlineData("on == 1 & current_a < 1", 8, "&&")]
    public void Bad_expressions_are_refused_with_the_offending_position(string expression, int offset, string message)
    {
        Assert.Null(Compiler.Compile(expression, KindCatalog.Default.Get("streetlight"), out var problems));
        var problem = Assert.Single(problems);
        Assert.Equal(offset, problem.Offset);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_unknown_metric_is_reported_not_only_the_first()
    {
        Assert.Null(Compiler.Compile("depth > 1 || level_cm < 2", KindCatalog.Default.Get("waterlog"), out var problems));
        Assert.Equal([0, 13], problems.Select(p => p.Offset));
    }

    [Fact]
    public void Expression_error_in_a_rule_file_names_line_and_column()
    {
        var result = RuleParser.Parse("lights.yaml", """
            rules:
              - id: dark
                kind: streetlight
                when: night
                where: "on == 1 && curent_a < 0.05"
                levels: [ { severity: yellow } ]
                case: { code: "0118", title: "路灯不亮" }
              - id: dark-block
                kind: streetlight
                where: |
                  on == 1 &&
                    curent_a < 0.05
                levels: [ { severity: yellow } ]
                case: { code: "0118", title: "路灯不亮" }
            """);

        Assert.False(result.Success);
        Assert.Collection(
            result.Errors,
            e => Assert.Equal(("lights.yaml", 5, 24, "rules[0].where"), (e.File, e.Line, e.Column, e.Field)),
            e => Assert.Equal(("lights.yaml", 12, 9, "rules[1].where"), (e.File, e.Line, e.Column, e.Field)));
        Assert.All(result.Errors, e => Assert.Contains("unknown metric 'curent_a'", e.Message, StringComparison.Ordinal));
    }
}
