using CityOps.Grains;
using CityOps.Rules;

namespace CityOps.Tests.Rules;

public class CatalogTests
{
    [Theory]
    [InlineData("manhole", "tilt_deg", true)]
    [InlineData("manhole", "water_gap_cm", true)]
    [InlineData("waterlog", "depth_cm", true)]
    [InlineData("streetlight", "voltage_v", true)]
    [InlineData("vehicle", "lid_closed", true)]
    [InlineData("vehicle", "depth_cm", false)]
    [InlineData("drone", "speed_kmh", false)]
    public void Metrics_are_known_per_kind(string kind, string metric, bool known)
    {
        Assert.Equal(known, KindCatalog.Default.IsKnownMetric(kind, metric));
    }

    [Fact]
    public void The_four_contract_kinds_and_the_lamp_cabinet_are_known()
    {
        Assert.Equal<string>(["manhole", "waterlog", "streetlight", "vehicle"], KindCatalog.Default.Kinds);
        Assert.All(KindCatalog.Default.Kinds, k => Assert.True(KindCatalog.Default.IsKnownKind(k)));
        Assert.False(KindCatalog.Default.IsKnownKind("Manhole"));
        Assert.True(KindCatalog.Default.MetricsOf("drone").IsEmpty);
    }

    [Theory]
    [InlineData(Severity.None, "none")]
    [InlineData(Severity.Blue, "blue")]
    [InlineData(Severity.Yellow, "yellow")]
    [InlineData(Severity.Orange, "orange")]
    [InlineData(Severity.Red, "red")]
    public void Severity_names_round_trip(Severity severity, string name)
    {
        Assert.Equal(name, SeverityNames.ToName(severity));
        Assert.True(SeverityNames.TryParse(name, out var parsed));
        Assert.Equal(severity, parsed);
        Assert.True(SeverityNames.TryParse(name.ToUpperInvariant(), out _));
    }

    [Fact]
    public void Unknown_severity_name_is_refused()
    {
        Assert.False(SeverityNames.TryParse("purple", out var severity));
        Assert.Equal(Severity.None, severity);
        Assert.False(SeverityNames.TryParse(null, out _));
    }

    [Fact]
    public void Severities_are_ordered_blue_to_red()
    {
        Assert.True(Severity.Blue < Severity.Yellow && Severity.Yellow < Severity.Orange && Severity.Orange < Severity.Red);
    }
}
