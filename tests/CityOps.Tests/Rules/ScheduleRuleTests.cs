using CityOps.Rules;

namespace CityOps.Tests.Rules;

/// <summary><c>when: { between, days, timeZone }</c>: a rule judged only inside a local time window.</summary>
public class ScheduleRuleTests
{
    // 2026-07-20 is a Monday; Shanghai is UTC+8 all year.
    private static readonly DateTimeOffset Monday = new(2026, 7, 20, 0, 0, 0, TimeSpan.FromHours(8));

    private static Rule Rule(string when) => TestRules.NightTruck(when);

    private static bool Holds(Rule rule, DateTimeOffset at) => TestRules.MovingTruckRaises(rule, at);

    [Theory]
    [InlineData(0, 19, 59, false)] // Monday 19:59
    [InlineData(0, 20, 0, true)] // Monday 20:00
    [InlineData(1, 4, 29, true)] // Tuesday 04:29: Monday's window, past midnight
    [InlineData(1, 4, 30, false)] // Tuesday 04:30: ended
    [InlineData(4, 23, 0, true)] // Friday 23:00
    [InlineData(5, 3, 0, true)] // Saturday 03:00 belongs to Friday's window
    [InlineData(5, 21, 0, false)] // Saturday evening: not a listed day
    [InlineData(0, 3, 0, false)] // Monday 03:00 belongs to Sunday's window: not listed
    public void A_window_crossing_midnight_belongs_to_the_day_it_starts(int day, int hour, int minute, bool inside)
    {
        var rule = Rule("""{ between: "20:00-04:30", days: [mon, tue, wed, thu, fri], timeZone: Asia/Shanghai }""");

        Assert.Equal(inside, Holds(rule, Monday.AddDays(day).AddHours(hour).AddMinutes(minute)));
    }

    [Fact]
    public void Days_alone_hold_all_day_and_between_alone_every_day()
    {
        var weekend = Rule("{ days: [sat, sun], timeZone: Asia/Shanghai }");
        Assert.True(Holds(weekend, Monday.AddDays(5).AddHours(12)));
        Assert.False(Holds(weekend, Monday.AddHours(12)));

        var working = Rule("""{ between: "08:30-17:30", timeZone: Asia/Shanghai }""");
        Assert.True(Holds(working, Monday.AddDays(6).AddHours(9)));
        Assert.False(Holds(working, Monday.AddHours(18)));
        Assert.Contains("when=between 08:30-17:30 days mon,tue,wed,thu,fri,sat,sun timeZone Asia/Shanghai", working.Definition, StringComparison.Ordinal);
    }

    [Fact]
    public void Outside_its_window_a_reading_neither_raises_nor_clears()
    {
        var rule = Rule("""{ between: "20:00-04:30", timeZone: Asia/Shanghai }""");
        var state = new AlarmState();
        var context = new ReadingContext(KindCatalog.Default.Get("vehicle"));
        context.Begin(Monday.AddHours(21));
        context.Set("speed_kmh", 30);
        Assert.Equal(AlarmChangeKind.Raised, RuleEvaluator.Evaluate(rule, state, context).Kind);

        context.Begin(Monday.AddHours(30)); // Tuesday 06:00, standing still
        context.Set("speed_kmh", 0);
        Assert.Equal(AlarmChangeKind.None, RuleEvaluator.Evaluate(rule, state, context).Kind);
        Assert.True(state.IsActive);
    }

    [Theory]
    [InlineData("""{ between: "20:00-4:70" }""", "test.yaml:4:22: rules[0].when.between: '20:00-4:70' is not a time window; write \"HH:MM-HH:MM\" in 24-hour local time, e.g. \"20:00-04:30\" (a window past midnight belongs to the day it starts)")]
    [InlineData("""{ between: "25:00-04:30" }""", "test.yaml:4:22: rules[0].when.between: '25:00-04:30' is not a time window; write \"HH:MM-HH:MM\" in 24-hour local time, e.g. \"20:00-04:30\" (a window past midnight belongs to the day it starts)")]
    [InlineData("""{ between: "08:00-08:00" }""", "test.yaml:4:22: rules[0].when.between: '08:00-08:00' is the whole day; leave between: out and list the days")]
    [InlineData("{ days: [mon, funday] }", "test.yaml:4:25: rules[0].when.days[1]: 'funday' is not a day; use mon, tue, wed, thu, fri, sat or sun")]
    [InlineData("{ days: mon }", "test.yaml:4:19: rules[0].when.days: days is a list of mon, tue, wed, thu, fri, sat, sun, e.g. days: [mon, tue, wed, thu, fri]")]
    [InlineData("{ timeZone: Mars/Olympus }", "test.yaml:4:11: rules[0].when: a schedule needs between: and/or days:, e.g. when: { between: \"20:00-04:30\", days: [mon, tue, wed, thu, fri] }")]
    [InlineData("{ days: [mon], timeZone: Mars/Olympus }", "test.yaml:4:36: rules[0].when.timeZone: unknown time zone 'Mars/Olympus'; use an IANA id such as Asia/Shanghai")]
    public void Bad_times_and_days_are_errors_with_file_line_and_field(string when, string expected)
    {
        var result = RuleParser.Parse("test.yaml", $$"""
            rules:
              - id: night-truck
                kind: vehicle
                when: {{when}}
                levels: [ { severity: orange } ]
                case: { code: "2101", title: "t" }
            """);

        Assert.Equal(expected, Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Night_and_day_stay()
    {
        Assert.Equal(SunCondition.Night, Rule("night").Sun);
        Assert.Null(Rule("night").Schedule);
    }
}
