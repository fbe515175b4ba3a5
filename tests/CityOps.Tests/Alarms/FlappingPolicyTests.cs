using CityOps.Rules;
using Microsoft.Extensions.Time.Testing;

namespace CityOps.Tests.Alarms;

/// <summary><c>flapping: { changes, within }</c>: counting raises and clears in a sliding window, and the quiet that ends it.</summary>
public sealed class FlappingPolicyTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 7, 20, 8, 0, 0, TimeSpan.Zero));
    private readonly FlappingPolicy _policy = new(4, TimeSpan.FromMinutes(20));

    [Fact]
    public void Four_changes_within_the_window_make_it_flapping()
    {
        var changes = new List<DateTimeOffset>();
        var flapping = new List<bool>();
        for (var i = 0; i < 4; i++)
        {
            flapping.Add(_policy.Note(changes, _time.GetUtcNow()));
            _time.Advance(TimeSpan.FromMinutes(4));
        }

        Assert.Equal([false, false, false, true], flapping);
    }

    [Fact]
    public void Changes_older_than_the_window_do_not_count()
    {
        var changes = new List<DateTimeOffset>();
        var flapping = new List<bool>();
        for (var i = 0; i < 6; i++)
        {
            flapping.Add(_policy.Note(changes, _time.GetUtcNow()));
            _time.Advance(TimeSpan.FromMinutes(7)); // three changes per 20 minutes at most
        }

        Assert.All(flapping, Assert.False);
        Assert.Equal(3, changes.Count);
    }

    [Fact]
    public void Quiet_for_the_window_after_the_last_change_ends_it()
    {
        var changes = new List<DateTimeOffset>();
        for (var i = 0; i < 4; i++)
        {
            _policy.Note(changes, _time.GetUtcNow());
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        var last = changes[^1];
        Assert.Equal(last + TimeSpan.FromMinutes(20), _policy.QuietAt(changes));
        Assert.True(_policy.QuietAt(changes) > _time.GetUtcNow());
        _time.Advance(TimeSpan.FromMinutes(20));
        Assert.True(_policy.QuietAt(changes) <= _time.GetUtcNow());
        Assert.Equal(DateTimeOffset.MinValue, _policy.QuietAt([]));
    }

    [Fact]
    public void Flapping_is_parsed_and_checked_with_file_line_and_field()
    {
        const string Good = """
            rules:
              - id: gas
                kind: manhole
                metric: gas_ch4_lel
                levels: [ { severity: yellow, above: 10 } ]
                flapping: { changes: 4, within: 20m }
                case: { code: "0111", title: "燃气" }
            """;
        var rule = Assert.Single(RuleParser.Parse("f.yaml", Good).RuleSet!.Rules);
        Assert.Equal(new FlappingPolicy(4, TimeSpan.FromMinutes(20)), rule.Flapping);
        Assert.Contains("flapping=4/20m", rule.Definition, StringComparison.Ordinal);

        var bad = RuleParser.Parse("f.yaml", Good.Replace("changes: 4, within: 20m", "changes: 1", StringComparison.Ordinal));
        Assert.Equal(
            [("rules[0].flapping.changes", 6), ("rules[0].flapping.within", 6)],
            bad.Errors.Select(e => (e.Field, e.Line)).Order());
        Assert.All(bad.Errors, e => Assert.Equal("f.yaml", e.File));
    }

    [Fact]
    public void A_rule_set_default_applies_to_every_rule_of_its_file_without_its_own_and_is_checked_too()
    {
        const string File = """
            flapping: { changes: 3, within: 10m }
            rules:
              - id: gas
                kind: manhole
                metric: gas_ch4_lel
                levels: [ { severity: yellow, above: 10 } ]
                case: { code: "0111", title: "燃气" }
              - id: tilt
                kind: manhole
                metric: tilt_deg
                levels: [ { severity: yellow, above: 10 } ]
                flapping: { changes: 6, within: 1h }
                case: { code: "0103", title: "倾斜" }
            """;
        const string Other = """
            rules:
              - id: depth
                kind: waterlog
                metric: depth_cm
                levels: [ { severity: blue, above: 15 } ]
                case: { code: "0406", title: "积水" }
            """;

        var set = RuleParser.Parse([new("a.yaml", File), new("b.yaml", Other)]).RuleSet!;

        Assert.Equal(new FlappingPolicy(3, TimeSpan.FromMinutes(10)), set.Find("gas")!.Flapping);
        Assert.Equal(new FlappingPolicy(6, TimeSpan.FromHours(1)), set.Find("tilt")!.Flapping);
        Assert.Null(set.Find("depth")!.Flapping); // another file's rules keep their own (none)
        Assert.Contains("flapping=3/10m", set.Find("gas")!.Definition, StringComparison.Ordinal);

        var bad = RuleParser.Parse("a.yaml", File.Replace("changes: 3, within: 10m", "changes: 3, within: 0", StringComparison.Ordinal));
        var error = Assert.Single(bad.Errors);
        Assert.Equal(("flapping.within", 1, 33), (error.Field, error.Line, error.Column));
    }
}
