using CityOps.Rules;

namespace CityOps.Tests.Rules;

/// <summary>Rules for the evaluator tests, written as engineers write them so the parser is exercised too.</summary>
internal static class TestRules
{
    public static readonly DateTimeOffset T0 = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);

    public static Rule Single(string yaml, RuleParseOptions? options = null)
    {
        var result = options is null ? RuleParser.Parse("test.yaml", yaml) : RuleParser.Parse([new("test.yaml", yaml)], options);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Errors));
        return Assert.Single(result.RuleSet!.Rules);
    }

    /// <summary>The waterlog depth ladder blue 15 / yellow 27 / orange 40 / red 50, with optional for: and clear:.</summary>
    public static Rule Depth(string? forDuration = null, string? clear = null) => Single($$"""
        rules:
          - id: depth
            kind: waterlog
            metric: depth_cm
            levels:
              - { severity: blue,   above: 15 }
              - { severity: yellow, above: 27 }
              - { severity: orange, above: 40 }
              - { severity: red,    above: 50 }
            {{(forDuration is null ? "" : "for: " + forDuration)}}
            {{(clear is null ? "" : "clear: " + clear)}}
            case: { code: "0406", title: "道路积水 {value} cm" }
        """);

    /// <summary>Manhole water gap: yellow below 30, red below 10.</summary>
    public static Rule WaterGap(string? forDuration = null, string? clear = null) => Single($$"""
        rules:
          - id: gap
            kind: manhole
            metric: water_gap_cm
            levels:
              - { severity: yellow, below: 30 }
              - { severity: red,    below: 10 }
            {{(forDuration is null ? "" : "for: " + forDuration)}}
            {{(clear is null ? "" : "clear: " + clear)}}
            case: { code: "{device.code}", title: "井盖下水位接近满溢" }
        """);

    public static Rule Offline(string window = "30m", string? severity = null) => Single($$"""
        rules:
          - id: silent
            kind: manhole
            offline: {{window}}
            {{(severity is null ? "" : "levels: [ { severity: " + severity + " } ]")}}
            case: { code: "{device.code}", title: "井盖监测终端离线" }
        """);

    /// <summary>A moving vehicle is a case inside the schedule <paramref name="when"/> (<c>when: { between, days, timeZone }</c>).</summary>
    public static Rule NightTruck(string when, RuleParseOptions? options = null) => Single($$"""
        rules:
          - id: night-truck
            kind: vehicle
            when: {{when}}
            where: "speed_kmh > 0"
            levels: [ { severity: orange } ]
            case: { code: "2101", title: "渣土车夜间行驶" }
        """, options);

    /// <summary>Whether a truck moving at <paramref name="at"/> raises <paramref name="rule"/> (its schedule holds then).</summary>
    public static bool MovingTruckRaises(Rule rule, DateTimeOffset at)
    {
        var context = new ReadingContext(KindCatalog.Default.Get("vehicle"));
        context.Begin(at);
        context.Set("speed_kmh", 30);
        return RuleEvaluator.Evaluate(rule, new AlarmState(), context).Kind == AlarmChangeKind.Raised;
    }

    /// <summary>Raises <paramref name="rule"/> (which must have no for:) with <paramref name="value"/> at <paramref name="at"/>.</summary>
    public static AlarmState Raised(Rule rule, double value, DateTimeOffset at)
    {
        var state = new AlarmState();
        var change = RuleEvaluator.Evaluate(rule, state, at, value);
        Assert.Equal(AlarmChangeKind.Raised, change.Kind);
        return state;
    }
}
