using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Grains;

/// <summary>The test cluster with the alarm desk's filing policies: fileFrom, confirm, never and a maintenance rule.</summary>
public sealed class AlarmDeskClusterFixture : GrainClusterFixture
{
    protected override string RuleText => AlarmDeskRules.Yaml;
}
