using CityOps.Grains;
using CityOps.Grains.Cases;
using CityOps.Grains.Configuration;
using CityOps.Grains.RuleSets;
using CityOps.Rules;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Cases;

/// <summary>The 部件 and 事件 tables: configuration over the standard defaults, and what rule validation asks of them.</summary>
public sealed class CaseCodeTableTests
{
    private static RuleParseResult Parse(string yaml) =>
        RuleParser.Parse(new Dictionary<string, string> { ["codes.yaml"] = yaml }, new RuleParseOptions { CaseCodes = CaseCodeBook.Standard });

    [Fact]
    public void Shipped_rules_name_only_codes_the_standard_tables_have()
    {
        var result = RuleParser.Parse(RuleFolder.RuleFiles(RepoPaths.Rules), new RuleParseOptions { CaseCodes = CaseCodeBook.Standard, Kinds = ShippedKinds.Catalog });

        Assert.True(result.Success, string.Join(Environment.NewLine, result.Errors));
        var gas = result.RuleSet!.Find("manhole-gas")!.Case;
        Assert.Equal(("0403", "event"), (gas.Code, gas.CodeType));
    }

    [Fact]
    public void Rule_whose_case_code_is_not_in_its_table_is_refused_at_the_code()
    {
        var result = Parse("""
            rules:
              - id: tree-down
                kind: waterlog
                metric: depth_cm
                levels: [ { severity: red, above: 50 } ]
                case: { code: "0406", codeType: component, title: "道路积水" }
              - id: typo
                kind: waterlog
                metric: depth_cm
                levels: [ { severity: red, above: 50 } ]
                case: { code: "0460", title: "道路积水" }
              - id: from-device
                kind: waterlog
                metric: depth_cm
                levels: [ { severity: red, above: 50 } ]
                case: { code: "{device.code}", codeType: part, title: "x" }
            """);

        Assert.False(result.Success);
        Assert.Contains(result.Errors, e => e.Field == "rules[0].case.code" && e.Message.Contains("部件", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Field == "rules[1].case.code" && e.Message.Contains("'0460'", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Field == "rules[2].case.codeType");
        Assert.Equal(3, result.Errors.Length);
    }

    [Fact]
    public void Configured_codes_extend_and_rename_the_standard_tables()
    {
        var book = CaseCodeBook.From(new CodesOptions
        {
            Events = { ["0408"] = new CodeEntry { Name = "桥梁损坏", Deadline = TimeSpan.FromHours(2) } },
            Components = { ["0118"] = new CodeEntry { Deadline = TimeSpan.FromHours(12) } },
        });

        Assert.Equal("桥梁损坏", book.Category(CodeType.Event, "0408"));
        Assert.Equal(TimeSpan.FromHours(2), book.Deadline(CodeType.Event, "0408"));
        Assert.Equal(("路灯", TimeSpan.FromHours(12)), (book.Category(CodeType.Component, "0118"), book.Deadline(CodeType.Component, "0118")));
        Assert.Null(CaseCodeBook.Standard.Find(CodeType.Event, "0408"));
        Assert.Equal("突发事件", book.Find(CodeType.Event, "0408")!.Group);
    }

    [Fact]
    public void Bad_configured_codes_stop_start_up_with_the_key()
    {
        var problems = new OptionsProblems(CodesOptions.Section);

        CodesOptions.Check(new CodesOptions { Events = { ["408"] = new CodeEntry(), ["0409"] = new CodeEntry { Deadline = TimeSpan.Zero } } }, problems);

        Assert.Contains(problems.Lines, l => l.StartsWith("CityOps:Codes:Events:408 ", StringComparison.Ordinal));
        Assert.Contains(problems.Lines, l => l.StartsWith("CityOps:Codes:Events:0409:Deadline", StringComparison.Ordinal));
    }

    [Fact]
    public void Gauges_of_the_demo_city_are_not_components_of_class_04_or_06()
    {
        var gauges = File.ReadAllLines(Path.Combine(RepoPaths.Root, "samples", "devices.csv")).Where(l => l.Contains(",waterlog,", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(gauges);
        Assert.All(gauges, g => Assert.Equal(
            (CodeType.Component, "2101"), CaseCodeBook.Standard.Resolve(g.Split(',')[5], null)));
    }
}
