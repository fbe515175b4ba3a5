using CityOps.Rules;

namespace CityOps.Tests.Rules;

public class RuleSetTests
{
    private static RuleSet Parse(string yaml) => RuleParser.Parse("set.yaml", yaml).RuleSet!;

    private const string TwoKinds = """
        rules:
          - id: depth
            kind: waterlog
            metric: depth_cm
            levels: [ { severity: yellow, above: 27 } ]
            case: { code: "0406", title: "t" }
          - id: tilt
            kind: manhole
            metric: tilt_deg
            levels: [ { severity: yellow, above: 10 } ]
            case: { code: "0102", title: "t" }
          - id: waterlog-offline
            kind: waterlog
            offline: 30m
            case: { code: "0406", title: "t" }
        """;

    [Fact]
    public void Rules_are_grouped_by_kind_in_written_order()
    {
        var set = Parse(TwoKinds);

        Assert.Equal(["depth", "waterlog-offline"], set.ForKind("waterlog").Select(r => r.Id));
        Assert.Equal(["tilt"], set.ForKind("manhole").Select(r => r.Id));
        Assert.True(set.ForKind("vehicle").IsEmpty);
        Assert.False(set.ForKind("vehicle").IsDefault);
    }

    [Fact]
    public void Rules_are_found_by_id()
    {
        var set = Parse(TwoKinds);

        Assert.Equal("manhole", set.Find("tilt")!.Kind);
        Assert.Null(set.Find("nope"));
    }

    [Fact]
    public void With_version_stamps_a_copy_sharing_the_rules()
    {
        var set = Parse(TwoKinds);
        var at = new DateTimeOffset(2026, 7, 20, 9, 0, 0, TimeSpan.Zero);

        var versioned = set.WithVersion(7, at, "engineer");

        Assert.Equal((0, ""), (set.Version, set.Author));
        Assert.Equal((7, at, "engineer"), (versioned.Version, versioned.CreatedAt, versioned.Author));
        Assert.Equal(set.Rules, versioned.Rules);
        Assert.Same(set.Sources, versioned.Sources);
        Assert.Equal(set.ForKind("waterlog"), versioned.ForKind("waterlog"));
    }

    [Fact]
    public void Empty_rule_set_has_no_rules_for_any_kind()
    {
        Assert.Empty(RuleSet.Empty.Rules);
        Assert.Empty(RuleSet.Empty.Sources);
        Assert.True(RuleSet.Empty.ForKind("waterlog").IsEmpty);
        Assert.Equal(0, RuleSet.Empty.Version);
    }

    [Fact]
    public void Rule_set_built_in_code_refuses_duplicate_ids()
    {
        var rule = Parse(TwoKinds).Rules[0];

        Assert.Throws<ArgumentException>(() => new RuleSet([rule, rule]));
    }
}
