using CityOps.Grains;
using CityOps.Grains.Routing;

namespace CityOps.Tests.Cases;

public sealed class RoutingTests
{
    private const string Yaml = """
        calendar:
          timeZone: Asia/Shanghai
          workDays: [mon, tue, wed, thu, fri]
          hours: ["08:30-12:00", "13:30-17:30"]
          holidays: ["2026-10-01"]
          extraWorkDays: ["2026-09-27"]
        defaults:
          deadline: 24h
          verify: 1h
        routes:
          - code: "0111"
            deadline: 3h
            verify: 30m
            autoDispatch: true
          - code: "01"
            grid: "410702001"
            unit: water-east
          - code: "01"
            unit: utilities-bureau
            deadline: 6h
          - code: "0406"
            deadline: 4h
            timing: working
        """;

    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private static RoutingTable Table()
    {
        var table = RoutingParser.Parse(Yaml, "routing.yaml", out var errors);
        Assert.Empty(errors);
        return table;
    }

    [Fact]
    public void Each_field_comes_from_the_first_matching_route_that_sets_it()
    {
        var at = new DateTimeOffset(2026, 7, 20, 9, 0, 0, China);

        var gas = Table().Decide("0111", "410702001001001", "grid-unit", at);
        Assert.Equal("water-east", gas.Unit);
        Assert.Equal(at.AddHours(3), gas.DueAt);
        Assert.Equal(TimeSpan.FromMinutes(30), gas.Verify);
        Assert.True(gas.AutoDispatch);

        var elsewhere = Table().Decide("0102", "410702002001001", "grid-unit", at);
        Assert.Equal("utilities-bureau", elsewhere.Unit);
        Assert.Equal(at.AddHours(6), elsewhere.DueAt);
        Assert.Equal(TimeSpan.FromHours(1), elsewhere.Verify);
        Assert.False(elsewhere.AutoDispatch);
    }

    [Fact]
    public void Unrouted_code_goes_to_the_grid_unit_with_the_default_deadline()
    {
        var at = new DateTimeOffset(2026, 7, 20, 9, 0, 0, China);

        var lamp = Table().Decide("0201", "410702001001001", "grid-unit", at);

        Assert.Equal("grid-unit", lamp.Unit);
        Assert.Equal(at.AddHours(24), lamp.DueAt);
        Assert.False(lamp.WorkingHours);
    }

    [Fact]
    public void Without_a_routing_file_deadlines_come_from_the_code_table_and_waterlogging_counts_working_hours()
    {
        var monday9 = new DateTimeOffset(2026, 7, 20, 9, 0, 0, TimeSpan.Zero);
        var table = new RoutingTable(WorkCalendar.Default.In(TimeZoneInfo.Utc), []);

        Assert.Equal(monday9.AddHours(6), table.Decide("0102", null, null, monday9).DueAt);
        Assert.Equal(monday9.AddHours(3), table.Decide("0111", null, null, monday9).DueAt);
        Assert.True(table.Decide("0406", null, null, monday9).WorkingHours);
    }

    [Theory]
    // Monday 09:00 + 4 working hours: 3 h until noon, the last hour after lunch.
    [InlineData("2026-07-20T09:00", "2026-07-20T14:30")]
    // Monday 16:00: 1.5 h today, 2.5 h on Tuesday morning.
    [InlineData("2026-07-20T16:00", "2026-07-21T11:00")]
    // Friday 17:00: the weekend does not count.
    [InlineData("2026-07-24T17:00", "2026-07-27T12:00")]
    // Saturday at night: starts Monday 08:30.
    [InlineData("2026-07-25T23:00", "2026-07-27T14:00")]
    // Wednesday 30 September 16:30: 1 h, then the holiday on 1 October, then Friday 2 October.
    [InlineData("2026-09-30T16:30", "2026-10-02T11:30")]
    // Saturday 26 September: Sunday 27 September is a make-up work day.
    [InlineData("2026-09-26T10:00", "2026-09-27T14:00")]
    public void Working_hour_deadlines_skip_nights_weekends_and_holidays(string filed, string due)
    {
        var at = new DateTimeOffset(DateTime.Parse(filed, System.Globalization.CultureInfo.InvariantCulture), China);

        var decision = Table().Decide("0406", null, null, at);

        Assert.Equal(new DateTimeOffset(DateTime.Parse(due, System.Globalization.CultureInfo.InvariantCulture), China), decision.DueAt);
    }

    [Fact]
    public void Routing_file_with_errors_names_line_and_field()
    {
        RoutingParser.Parse("""
            calendar:
              hours: ["8-12"]
            routes:
              - code: "04x6"
                deadline: soon
                timing: sometimes
            """, "routing.yaml", out var errors);

        Assert.Contains(errors, e => e.StartsWith("routing.yaml:2: calendar.hours", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("routes[0].code", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("routes[0].deadline", StringComparison.Ordinal) && e.Contains("soon", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("routes[0].timing", StringComparison.Ordinal));
    }

    [Fact]
    public void Shipped_routing_file_is_valid_and_dispatches_nothing_by_itself()
    {
        var table = RoutingParser.Parse(File.ReadAllText(Path.Combine(CityOps.Tests.Infrastructure.RepoPaths.Root, "routing.yaml")), "routing.yaml", out var errors);

        Assert.Empty(errors);
        Assert.Equal("Asia/Shanghai", table.Calendar.TimeZone.Id);
        Assert.All(table.Routes, r => Assert.NotEqual(true, r.AutoDispatch));
        var monday9 = new DateTimeOffset(2026, 7, 20, 9, 0, 0, China);
        Assert.Equal(monday9.AddHours(3), table.Decide("0111", null, null, monday9).DueAt);
        Assert.Equal(monday9.AddHours(24), table.Decide("0118", null, null, monday9).DueAt);
        Assert.Equal(new DateTimeOffset(2026, 7, 20, 14, 30, 0, China), table.Decide("0406", null, null, monday9).DueAt);
    }

    [Fact]
    public void Red_flood_filed_friday_evening_is_due_that_night_by_the_shipped_routing()
    {
        var table = RoutingParser.Parse(File.ReadAllText(Path.Combine(CityOps.Tests.Infrastructure.RepoPaths.Root, "routing.yaml")), "routing.yaml", out var errors);
        Assert.Empty(errors);
        var friday20 = new DateTimeOffset(2026, 7, 24, 20, 0, 0, China);

        var red = table.Decide("0406", null, null, friday20, CodeType.Event, Severity.Red);
        var orange = table.Decide("0406", null, null, friday20, CodeType.Event, Severity.Orange);
        var yellow = table.Decide("0406", null, null, friday20, CodeType.Event, Severity.Yellow);

        Assert.Equal((TimeSpan.FromHours(1), false, friday20.AddHours(1)), (red.Deadline, red.WorkingHours, red.DueAt));
        Assert.Equal((TimeSpan.FromHours(2), false, friday20.AddHours(2)), (orange.Deadline, orange.WorkingHours, orange.DueAt));
        Assert.Equal(new DateTimeOffset(2026, 7, 27, 14, 0, 0, China), yellow.DueAt);
        Assert.True(yellow.WorkingHours);
    }

    [Fact]
    public void Working_time_never_applies_to_red_or_orange_even_when_the_route_says_working()
    {
        var friday20 = new DateTimeOffset(2026, 7, 24, 20, 0, 0, China);

        var red = Table().Decide("0406", null, null, friday20, severity: Severity.Red);

        Assert.False(red.WorkingHours);
        Assert.Equal(friday20.AddHours(4), red.DueAt);
    }

    [Fact]
    public void Routes_match_codes_in_their_own_table_and_give_per_severity_and_dispatch_limits()
    {
        var table = RoutingParser.Parse("""
            defaults:
              dispatch: 20m
            routes:
              - code: "0401"
                codeType: event
                unit: roads-bureau
                deadlines: { red: 1h, default: 3h }
                dispatch: 10m
              - code: "04"
                codeType: component
                unit: parks-bureau
                deadline: 48h
            """, "routing.yaml", out var errors);
        Assert.Empty(errors);
        var at = new DateTimeOffset(2026, 7, 20, 9, 0, 0, China);

        var collapse = table.Decide("0401", null, null, at, CodeType.Event, Severity.Red);
        Assert.Equal(("roads-bureau", TimeSpan.FromHours(1), at.AddMinutes(10)), (collapse.Unit, collapse.Deadline, collapse.DispatchDueAt));
        Assert.Equal(TimeSpan.FromHours(3), table.Decide("0401", null, null, at, CodeType.Event, Severity.Yellow).Deadline);

        var tree = table.Decide("0401", null, null, at, CodeType.Component, Severity.Yellow);
        Assert.Equal(("parks-bureau", TimeSpan.FromHours(48), at.AddMinutes(20)), (tree.Unit, tree.Deadline, tree.DispatchDueAt));
    }

    [Fact]
    public void Bad_code_type_and_severity_keys_are_refused_with_their_field()
    {
        RoutingParser.Parse("""
            routes:
              - code: "0401"
                codeType: thing
                deadlines: { purple: 1h, red: soon }
            """, "routing.yaml", out var errors);

        Assert.Contains(errors, e => e.Contains("routes[0].codeType", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("routes[0].deadlines", StringComparison.Ordinal) && e.Contains("purple", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("routes[0].deadlines.red", StringComparison.Ordinal));
    }

    [Fact]
    public void Methane_goes_to_the_gas_company_within_minutes_on_the_clock()
    {
        var table = RoutingParser.Parse(File.ReadAllText(Path.Combine(CityOps.Tests.Infrastructure.RepoPaths.Root, "routing.yaml")), "routing.yaml", out var errors);
        Assert.Empty(errors);
        var saturday3 = new DateTimeOffset(2026, 7, 25, 3, 0, 0, China);

        var red = table.Decide("0403", "410702001001001", "sewer-unit", saturday3, CodeType.Event, Severity.Red);
        var yellow = table.Decide("0403", "410702001001001", "sewer-unit", saturday3, CodeType.Event, Severity.Yellow);

        Assert.Equal(("gas-company", saturday3.AddMinutes(30), saturday3.AddMinutes(5)), (red.Unit, red.DueAt, red.DispatchDueAt));
        Assert.Equal(("gas-company", saturday3.AddHours(1), false), (yellow.Unit, yellow.DueAt, yellow.WorkingHours));
    }
}
