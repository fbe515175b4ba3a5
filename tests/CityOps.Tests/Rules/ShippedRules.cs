using CityOps.Grains.RuleSets;
using CityOps.Rules;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Rules;

/// <summary>The rule folder shipped in rules/: its kinds (built in plus kinds.yaml) and its rule files, as a node reads them.</summary>
internal static class ShippedRules
{
    public static KindCatalog Kinds { get; } = LoadKinds();

    public static Dictionary<string, string> Files() => RuleFolder.RuleFiles(RepoPaths.Rules);

    public static RuleParseResult Parse() => RuleParser.Parse(Files(), new RuleParseOptions { Kinds = Kinds });

    private static KindCatalog LoadKinds()
    {
        var errors = new List<RuleError>();
        var kinds = RuleFolder.Kinds(RepoPaths.Rules, errors);
        return errors.Count == 0 ? kinds : throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
    }
}
