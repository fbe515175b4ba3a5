using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Grains;

/// <summary>The test cluster with a lamp cabinet whose power loss inhibits its lamps' dark-lamp rule.</summary>
public sealed class SuppressionClusterFixture : GrainClusterFixture
{
    protected override string RuleText => SuppressionRules.Yaml;
}
