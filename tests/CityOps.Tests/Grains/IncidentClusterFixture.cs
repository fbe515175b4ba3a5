using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Grains;

/// <summary>The test cluster with gauge depth grouped into incidents by the gauges' catchment.</summary>
public sealed class IncidentClusterFixture : GrainClusterFixture
{
    protected override string RuleText => IncidentRules.Yaml;
}
