using CityOps.Grains.RuleSets;
using CityOps.Rules;

namespace CityOps.Tests.Infrastructure;

/// <summary>The kinds a node runs with out of the box: the built-in four and the lifelines of the shipped <c>rules/kinds.yaml</c>.</summary>
public static class ShippedKinds
{
    public static KindCatalog Catalog { get; } = Load();

    public static RuleParseOptions Options => new() { Kinds = Catalog };

    private static KindCatalog Load()
    {
        var errors = new List<RuleError>();
        var kinds = RuleFolder.Kinds(RepoPaths.Rules, errors);
        return errors.Count == 0 ? kinds : throw new InvalidOperationException(string.Join('\n', errors));
    }
}
