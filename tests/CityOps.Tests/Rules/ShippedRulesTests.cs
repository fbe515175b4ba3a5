using CityOps.Grains;
using CityOps.Rules;

namespace CityOps.Tests.Rules;

/// <summary>The default rule set in rules/ is what every new installation runs: it must always parse.</summary>
public class ShippedRulesTests
{
    [Fact]
    public void Shipped_rules_parse_without_errors()
    {
        var result = ShippedRules.Parse();

        Assert.True(result.Success, string.Join(Environment.NewLine, result.Errors));
        Assert.Equal(
            ["bridge.yaml", "drainage.yaml", "flood.yaml", "gas.yaml", "heating.yaml", "lampcabinet.yaml", "manhole.yaml", "streetlight.yaml", "vehicle.yaml", "waterlog.yaml", "watersupply.yaml"],
            result.RuleSet!.Sources.Keys);
    }

    [Fact]
    public void Shipped_rules_cover_every_kind_with_the_documented_thresholds()
    {
        var set = ShippedRules.Parse().RuleSet!;

        var depth = set.Find("waterlog-depth")!;
        Assert.Equal<Level>(
            [new Level(Severity.Blue, 15), new Level(Severity.Yellow, 27), new Level(Severity.Orange, 40), new Level(Severity.Red, 50)],
            depth.Levels);
        Assert.Equal(TimeSpan.FromMinutes(1), depth.For);
        Assert.Equal(new ClearPolicy(3, TimeSpan.FromMinutes(5)), depth.Clear);
        Assert.Equal("0406", depth.Case.Code);

        Assert.Equal(TimeSpan.FromMinutes(30), set.Find("waterlog-offline")!.Offline);
        Assert.Equal(TimeSpan.FromMinutes(30), set.Find("manhole-offline")!.Offline);
        Assert.Equal(TimeSpan.FromHours(1), set.Find("streetlight-offline")!.Offline);
        Assert.Equal(ThresholdDirection.Below, set.Find("manhole-overflow")!.Direction);
        Assert.Equal<Level>([new Level(Severity.Yellow, 60), new Level(Severity.Orange, 80)], set.Find("vehicle-speeding")!.Levels);
        Assert.Equal("2103", set.Find("vehicle-lid-open")!.Case.Code);
        Assert.All(ShippedRules.Kinds.Kinds, kind => Assert.Contains(set.ForKind(kind), r => r.IsEvaluable));

        // A flooded catchment's gauges and surcharging covers make one incident.
        Assert.Equal(("catchment-flood", "catchment-flood"), (set.IncidentOf("waterlog-depth")?.Id, set.IncidentOf("manhole-overflow")?.Id));
    }
}
