using System.Runtime.CompilerServices;
using CityOps.Rules;

namespace CityOps.Tests.Rules;

/// <summary>The default rule set in rules/ is what every new installation runs: it must always parse.</summary>
public class ShippedRulesTests
{
    [Fact]
    public void Shipped_rules_parse_without_errors()
    {
        var result = RuleParser.Parse(ShippedFiles());

        Assert.True(result.Success, string.Join(Environment.NewLine, result.Errors));
        Assert.Equal(["lampcabinet.yaml", "manhole.yaml", "streetlight.yaml", "vehicle.yaml", "waterlog.yaml"], result.RuleSet!.Sources.Keys);
    }

    [Fact]
    public void Shipped_rules_cover_every_kind_with_the_documented_thresholds()
    {
        var set = RuleParser.Parse(ShippedFiles()).RuleSet!;

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
        Assert.All(KindCatalog.Kinds, kind => Assert.Contains(set.ForKind(kind), r => r.IsEvaluable));
    }

    private static Dictionary<string, string> ShippedFiles() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "rules"), "*.yaml")
            .ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

    // Normally found above the test binaries; the source file's location covers test runs built outside the repository.
    private static string RepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) })
        {
            for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CityOps.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("CityOps.sln not found above " + AppContext.BaseDirectory);
    }
}
