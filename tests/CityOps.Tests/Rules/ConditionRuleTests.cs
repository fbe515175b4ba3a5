using System.Collections.Immutable;
using CityOps.Rules;
using static CityOps.Tests.Rules.TestRules;

namespace CityOps.Tests.Rules;

/// <summary>Rules judged on whole readings: when:, inside:/outside:, where:, count:.</summary>
public class ConditionRuleTests
{
    // Xinxiang, Henan (the demo city): 20 July sunrise about 05:45, sunset about 19:40 China time.
    private const double Lat = 35.30, Lon = 113.93;
    private static readonly DateTimeOffset Midnight = new(2026, 7, 20, 16, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Noon = new(2026, 7, 20, 4, 0, 0, TimeSpan.Zero);

    private const string DarkLamp = """
        rules:
          - id: streetlight-dark
            kind: streetlight
            when: night
            where: "on == 1 && current_a < 0.05"
            levels: [ { severity: yellow } ]
            for: 10m
            case: { code: "0118", title: "路灯不亮" }
        """;

    private static ReadingContext Lamp(DateTimeOffset at, double on, double current, double lat = Lat, double lon = Lon)
    {
        var reading = new ReadingContext(KindCatalog.Default.Get("streetlight")) { Latitude = lat, Longitude = lon };
        reading.Begin(at);
        reading.Set("on", on);
        reading.Set("current_a", current);
        return reading;
    }

    [Fact]
    public void Dark_lamp_at_night_raises_after_its_for_and_clears_when_lit()
    {
        var rule = Single(DarkLamp);
        var state = new AlarmState();

        Assert.Equal(AlarmChangeKind.Pending, RuleEvaluator.Evaluate(rule, state, Lamp(Midnight, 1, 0.01)).Kind);
        Assert.Equal(AlarmChangeKind.None, RuleEvaluator.Evaluate(rule, state, Lamp(Midnight.AddMinutes(5), 1, 0.01)).Kind);
        var raised = RuleEvaluator.Evaluate(rule, state, Lamp(Midnight.AddMinutes(10), 1, 0.01));
        Assert.Equal((AlarmChangeKind.Raised, Severity.Yellow), (raised.Kind, raised.Severity));

        Assert.Equal(AlarmChangeKind.Cleared, RuleEvaluator.Evaluate(rule, state, Lamp(Midnight.AddMinutes(15), 1, 0.42)).Kind);
    }

    [Fact]
    public void Dark_lamp_alarm_is_not_cleared_by_daylight_only_by_a_lit_lamp_at_night()
    {
        var rule = Single(DarkLamp.Replace("for: 10m", "for: 0", StringComparison.Ordinal));
        var state = new AlarmState();
        Assert.Equal(AlarmChangeKind.Raised, RuleEvaluator.Evaluate(rule, state, Lamp(Midnight, 1, 0.01)).Kind);

        // Daylight (the controller switches the lamp off): outside the rule's window nothing is judged.
        Assert.Equal(AlarmChangeKind.None, RuleEvaluator.Evaluate(rule, state, Lamp(Noon.AddDays(1), 0, 0)).Kind);
        Assert.True(state.IsActive);

        // The next night, still dark: still the same alarm; lit: cleared, by a reading that shows the fault gone.
        Assert.NotEqual(AlarmChangeKind.Cleared, RuleEvaluator.Evaluate(rule, state, Lamp(Midnight.AddDays(1), 1, 0.01)).Kind);
        Assert.True(state.IsActive);
        Assert.Equal(AlarmChangeKind.Cleared, RuleEvaluator.Evaluate(rule, state, Lamp(Midnight.AddDays(1).AddMinutes(5), 1, 0.42)).Kind);
    }

    [Fact]
    public void Dark_lamp_by_day_or_without_a_position_is_not_an_alarm()
    {
        var rule = Single(DarkLamp.Replace("for: 10m", "for: 0", StringComparison.Ordinal));

        Assert.Equal(AlarmChangeKind.None, RuleEvaluator.Evaluate(rule, new AlarmState(), Lamp(Noon, 1, 0.01)).Kind);
        var unplaced = new AlarmState();
        Assert.Equal(AlarmChangeKind.None, RuleEvaluator.Evaluate(rule, unplaced, Lamp(Midnight, 1, 0.01, double.NaN, double.NaN)).Kind);
        Assert.Null(unplaced.LastEvaluated);
        Assert.Equal(AlarmChangeKind.Raised, RuleEvaluator.Evaluate(rule, new AlarmState(), Lamp(Midnight, 1, 0.01)).Kind);
    }

    [Fact]
    public void Reading_without_a_metric_the_rule_reads_is_not_judged()
    {
        var rule = Single(DarkLamp);
        var reading = new ReadingContext(KindCatalog.Default.Get("streetlight")) { Latitude = Lat, Longitude = Lon };
        reading.Begin(Midnight);
        reading.Set("on", 1);

        var state = new AlarmState();
        Assert.Equal(AlarmChangeKind.None, RuleEvaluator.Evaluate(rule, state, reading).Kind);
        Assert.Null(state.LastEvaluated);
    }

    [Fact]
    public void Truck_outside_its_zone_raises_and_clears_when_back_inside()
    {
        var rule = Single("""
            rules:
              - id: off-route
                kind: vehicle
                outside: zone:muck-routes
                levels: [ { severity: orange } ]
                count: 2
                case: { code: "2101", title: "渣土车偏离线路" }
            """);
        var zones = new BoxZones("muck-routes", 35.29, 35.31, 113.92, 113.94);
        var state = new AlarmState();
        ReadingContext Truck(int second, double lat, double lon)
        {
            var reading = new ReadingContext(KindCatalog.Default.Get("vehicle")) { Latitude = lat, Longitude = lon, Zones = zones };
            reading.Begin(T0.AddSeconds(second));
            reading.Set("speed_kmh", 30);
            return reading;
        }

        Assert.Equal(AlarmChangeKind.None, RuleEvaluator.Evaluate(rule, state, Truck(0, 35.30, 113.93)).Kind);
        Assert.Equal(AlarmChangeKind.Pending, RuleEvaluator.Evaluate(rule, state, Truck(5, 35.32, 113.93)).Kind);
        Assert.Equal(AlarmChangeKind.Raised, RuleEvaluator.Evaluate(rule, state, Truck(10, 35.32, 113.93)).Kind);
        Assert.Equal(AlarmChangeKind.Cleared, RuleEvaluator.Evaluate(rule, state, Truck(15, 35.30, 113.93)).Kind);

        var unknownZone = new ReadingContext(KindCatalog.Default.Get("vehicle")) { Latitude = 35.32, Longitude = 113.93, Zones = NoZones.Instance };
        unknownZone.Begin(T0.AddSeconds(20));
        Assert.Equal(AlarmChangeKind.None, RuleEvaluator.Evaluate(rule, state, unknownZone).Kind);
    }

    [Fact]
    public void Count_needs_that_many_matching_readings_in_a_row()
    {
        var rule = Single("""
            rules:
              - id: tilt
                kind: manhole
                metric: tilt_deg
                levels: [ { severity: yellow, above: 10 } ]
                count: 3
                case: { code: "0102", title: "井盖倾斜" }
            """);
        var state = new AlarmState();
        AlarmChangeKind At(int minute, double tilt)
        {
            var reading = new ReadingContext(KindCatalog.Default.Get("manhole"));
            reading.Begin(T0.AddMinutes(minute));
            reading.Set("tilt_deg", tilt);
            return RuleEvaluator.Evaluate(rule, state, reading).Kind;
        }

        Assert.Equal(AlarmChangeKind.Pending, At(0, 12));
        Assert.Equal(AlarmChangeKind.None, At(1, 12));
        Assert.Equal(AlarmChangeKind.None, At(2, 3));   // the run is broken
        Assert.Equal(AlarmChangeKind.Pending, At(3, 12));
        Assert.Equal(AlarmChangeKind.None, At(4, 12));
        Assert.Equal(AlarmChangeKind.Raised, At(5, 12));
    }

    [Fact]
    public void Threshold_rule_with_a_where_gate_uses_the_device_ladder_from_its_attributes()
    {
        var rule = Single("""
            rules:
              - id: waterlog-depth
                kind: waterlog
                metric: depth_cm
                where: "battery_pct > 5"
                levels:
                  - { severity: yellow, above: 27 }
                  - { severity: red,    above: 50 }
                case: { code: "0406", title: "道路积水 {value} cm" }
            """);
        var tuning = DeviceTuning.Resolve(rule, new Dictionary<string, string> { ["threshold.waterlog-depth.red"] = "35" });
        ReadingContext Gauge(int minute, double depth, double battery)
        {
            var reading = new ReadingContext(KindCatalog.Default.Get("waterlog"));
            reading.Begin(T0.AddMinutes(minute));
            reading.Set("depth_cm", depth);
            reading.Set("battery_pct", battery);
            return reading;
        }

        Assert.NotNull(tuning);
        Assert.Equal<double>([27.0, 35.0], tuning.Thresholds);
        var state = new AlarmState();
        Assert.Equal(AlarmChangeKind.None, RuleEvaluator.Evaluate(rule, state, Gauge(0, 40, 2), tuning).Kind);
        var raised = RuleEvaluator.Evaluate(rule, state, Gauge(1, 40, 80), tuning);
        Assert.Equal((AlarmChangeKind.Raised, Severity.Red), (raised.Kind, raised.Severity));
        Assert.Equal(Severity.Yellow, RuleEvaluator.Evaluate(rule, new AlarmState(), Gauge(1, 40, 80)).Severity);
    }

    [Theory]
    [InlineData("for: 1m\n    count: 2", "rules[0].for", "for: and count: cannot be combined")]
    [InlineData("count: 0", "rules[0].count", "whole number")]
    [InlineData("when: dusk", "rules[0].when", "unknown when: 'dusk'")]
    [InlineData("outside: muck-routes", "rules[0].outside", "zone:<id>")]
    [InlineData("inside: zone:a\n    outside: zone:b", "rules[0].outside", "not both")]
    public void Bad_conditions_are_refused_with_a_readable_message(string extra, string field, string message)
    {
        var result = RuleParser.Parse("v.yaml", $"""
            rules:
              - id: v
                kind: vehicle
                metric: speed_kmh
                {extra}
                levels: [ {"{"} severity: yellow, above: 60 {"}"} ]
                case: {"{"} code: "2102", title: "超速" {"}"}
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_zone_is_an_error_when_the_zones_in_force_are_given()
    {
        const string Yaml = """
            rules:
              - id: off-route
                kind: vehicle
                outside: zone:muck-rotues
                levels: [ { severity: orange } ]
                case: { code: "2101", title: "渣土车偏离线路" }
            """;

        Assert.True(RuleParser.Parse("v.yaml", Yaml).Success);
        var checkedZones = RuleParser.Parse([new("v.yaml", Yaml)], new RuleParseOptions { Zones = new BoxZones("muck-routes", 0, 1, 0, 1) });
        var error = Assert.Single(checkedZones.Errors);
        Assert.Equal((4, 14), (error.Line, error.Column));
        Assert.Contains("unknown zone 'muck-rotues'", error.Message, StringComparison.Ordinal);
    }

    private sealed class BoxZones(string id, double south, double north, double west, double east) : IZoneLookup
    {
        public bool HasZone(string zoneId) => zoneId == id;

        public bool IsInside(string zoneId, double lat, double lon) => zoneId == id && lat >= south && lat <= north && lon >= west && lon <= east;

        public IReadOnlyList<string> ZonesAt(double lat, double lon) => IsInside(id, lat, lon) ? [id] : [];
    }
}
