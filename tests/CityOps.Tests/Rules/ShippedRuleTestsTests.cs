using CityOps.Api.Cli;
using CityOps.Rules;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Rules;

/// <summary>The rule tests shipped in rules/tests/ pass, and every shipped rule is tested there.</summary>
public class ShippedRuleTestsTests
{
    public static TheoryData<string> TestFiles() => [.. Directory.EnumerateFiles(Path.Combine(RepoPaths.Rules, "tests"), "*.yaml").Select(f => Path.GetFileName(f)).Order()];

    [Theory]
    [MemberData(nameof(TestFiles))]
    public void Shipped_rule_test_passes(string file)
    {
        var result = RuleTestCommand.RunFile(Path.Combine(RepoPaths.Rules, "tests", file));

        Assert.True(result.Passed, string.Join(Environment.NewLine, result.Failures));
        Assert.NotEmpty(result.Produced);
    }

    [Fact]
    public void Every_shipped_rule_raises_a_case_in_some_rule_test()
    {
        var shipped = ShippedRules.Parse().RuleSet!;
        var tested = Directory.EnumerateFiles(Path.Combine(RepoPaths.Rules, "tests"), "*.yaml")
            .SelectMany(f => RuleTestCommand.RunFile(f).Produced)
            .Where(e => e.Event == CityOps.Rules.Testing.CaseEventKind.Raised)
            .Select(e => e.Rule)
            .ToHashSet();

        var untested = shipped.Rules.Select(r => r.Id).Where(id => !tested.Contains(id)).ToList();
        Assert.True(untested.Count == 0, "no rule test raises " + string.Join(", ", untested));
    }
}
