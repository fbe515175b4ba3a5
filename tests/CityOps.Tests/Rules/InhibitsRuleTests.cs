using CityOps.Rules;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Rules;

/// <summary><c>inhibits:</c> on a rule (root-cause suppression, CONTRACT §8): parsed, looked up from the inhibited rule, references checked.</summary>
public class InhibitsRuleTests
{
    [Fact]
    public void A_rule_names_the_rules_it_inhibits_and_the_set_finds_the_inhibitors_of_a_rule()
    {
        var result = Parse(SuppressionRules.Yaml);

        Assert.True(result.Success, string.Join(Environment.NewLine, result.Errors));
        var set = result.RuleSet!;
        Assert.Equal(["lamp-dark"], set.Find("cabinet-power-loss")!.Inhibits.ToArray());
        Assert.Equal(["cabinet-power-loss"], set.InhibitorsOf("lamp-dark").ToArray());
        Assert.Empty(set.InhibitorsOf("cabinet-power-loss"));
        Assert.Contains("inhibits=lamp-dark", set.Find("cabinet-power-loss")!.Definition, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_rule_in_inhibits_is_an_error_with_file_line_and_field()
    {
        var result = Parse(SuppressionRules.Yaml.Replace("inhibits: [lamp-dark]", "inhibits: [lamp-dark, lamp-drak]", StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Equal("lamps.yaml:6:27: rules[0].inhibits[1]: unknown rule 'lamp-drak'; name a rule id of the rule set", error.ToString());
    }

    [Fact]
    public void Inhibits_is_a_list()
    {
        var result = Parse(SuppressionRules.Yaml.Replace("inhibits: [lamp-dark]", "inhibits: lamp-dark", StringComparison.Ordinal));

        Assert.Equal("lamps.yaml:6:15: rules[0].inhibits: inhibits is a list of ids, e.g. inhibits: [waterlog-depth]", Assert.Single(result.Errors).ToString());
    }

    private static RuleParseResult Parse(string yaml) => RuleParser.Parse([new KeyValuePair<string, string>("lamps.yaml", yaml)], ShippedKinds.Options);
}
