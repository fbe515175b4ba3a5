using CityOps.Grains.RuleSets;
using CityOps.Rules;
using CityOps.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CityOps.Tests.Rules;

/// <summary>Device kinds as configuration: the built-in kinds, kinds.yaml beside the rules, and CityOps:Kinds over both.</summary>
public class KindCatalogTests
{
    private static readonly string[] Lifelines = ["gas", "watersupply", "drainage", "bridge", "heating", "lampcabinet"];

    [Fact]
    public void The_shipped_kinds_yaml_adds_the_lifeline_kinds_after_the_four_built_in()
    {
        Assert.Equal<string>(["manhole", "waterlog", "streetlight", "vehicle", .. Lifelines], ShippedRules.Kinds.Kinds);
        var gas = ShippedRules.Kinds.Find("gas")!;
        Assert.Equal(("0403", TimeSpan.FromMinutes(30)), (gas.CaseCode, gas.OfflineAfter));
        Assert.Equal(new MetricSpec("ch4_lel", "% LEL", 0, 100), gas.Metrics[0]);
        Assert.Equal("0118", ShippedRules.Kinds.DefaultCaseCode("lampcabinet"));
        Assert.Equal(KindCatalog.FallbackCaseCode, ShippedRules.Kinds.DefaultCaseCode("manhole"));
        Assert.All(ShippedRules.Kinds.All, kind => Assert.All(kind.Metrics, m => Assert.True(m.HasRange, $"{kind.Name}.{m.Name} has no physical range")));
    }

    [Fact]
    public void A_later_source_changes_a_kind_field_by_field_and_adds_metrics_and_kinds()
    {
        var kinds = KindCatalog.Default.With([
            new KindDefinition("waterlog", [new MetricDefinition("depth_cm", Max: 300), new MetricDefinition("temp_c", "°C", -40, 80)], Offline: TimeSpan.FromMinutes(10)),
            new KindDefinition("sluice", [new MetricDefinition("gate_open", null, 0, 1)], "闸门", "2190"),
        ]);

        var waterlog = kinds.Find("waterlog")!;
        Assert.Equal<MetricSpec>([new MetricSpec("depth_cm", "cm", 0, 300), new MetricSpec("battery_pct", "%", 0, 100), new MetricSpec("temp_c", "°C", -40, 80)], waterlog.Metrics);
        Assert.Equal(("0406", TimeSpan.FromMinutes(10), 2), (waterlog.CaseCode, waterlog.OfflineAfter, waterlog.SlotOf("temp_c")));
        Assert.Equal<string>(["manhole", "waterlog", "streetlight", "vehicle", "sluice"], kinds.Kinds);
        Assert.Equal(("闸门", "2190", 0), (kinds.Find("sluice")!.Title, kinds.DefaultCaseCode("sluice"), kinds.SlotOf("sluice", "gate_open")));
        Assert.Equal(4, KindCatalog.Default.Kinds.Length);
    }

    [Fact]
    public void Kinds_yaml_gives_a_kind_its_reporting_interval_longer_than_zero()
    {
        var errors = new List<RuleError>();

        var kinds = KindFile.Read("kinds.yaml", "kinds:\n  waterlog: { interval: 30s }\n", KindCatalog.Default, errors);
        KindFile.Read("kinds.yaml", "kinds:\n  waterlog: { interval: 0 }\n", KindCatalog.Default, errors);

        Assert.Equal(TimeSpan.FromSeconds(30), kinds.Find("waterlog")!.ReportInterval);
        Assert.Equal("kinds.yaml:2:25: kinds.waterlog.interval: interval is how often the devices report, longer than 0, e.g. interval: 1m", Assert.Single(errors).ToString());
    }

    [Fact]
    public void Kinds_yaml_errors_name_file_line_column_and_field_and_leave_the_kinds_as_they_were()
    {
        const string yaml = """
            kinds:
              Gas:
                metrics: { ch4_lel: { max: 100 } }
              sluice:
                title: 闸门
              pump:
                offline: 0
                colour: red
                metrics:
                  level_m: { unit: m, min: 5, max: 1 }
                  bad-name: { max: 1 }
                  flow: { max: lots }
              waterlog:
                code: "04 06"
                metrics: { depth_cm: { min: 2000 } }
            """;
        var errors = new List<RuleError>();

        var kinds = KindFile.Read("kinds.yaml", yaml, KindCatalog.Default, errors);

        Assert.Same(KindCatalog.Default, kinds);
        Assert.Equal(
            [
                (2, 3, "kinds", "kind 'Gas' must be 1-64 characters of a-z, 0-9, _ or -"),
                (4, 3, "kinds.sluice.metrics", "a new kind needs its metrics"),
                (7, 14, "kinds.pump.offline", "offline needs a silence longer than 0"),
                (8, 5, "kinds.pump.colour", "unknown key 'colour'"),
                (10, 40, "kinds.pump.metrics.level_m.max", "the physical range is empty: min 5 is above max 1"),
                (11, 7, "kinds.pump.metrics", "metric 'bad-name' must be 1-64 characters of A-Z, a-z, 0-9 or _"),
                (12, 20, "kinds.pump.metrics.flow.max", "'lots' is not a number"),
                (14, 11, "kinds.waterlog.code", "code '04 06' must be a 部件/事件 code such as \"0403\""),
                (15, 33, "kinds.waterlog.metrics.depth_cm.min", "the physical range is empty: min 2000 is above max 1000"),
            ],
            errors.Select(e => (e.Line, e.Column, e.Field, Prefix(e.Message))));
        Assert.All(errors, e => Assert.Equal("kinds.yaml", e.File));

        static string Prefix(string message) => message.Split([" (", ";", ", e.g."], 2, StringSplitOptions.None)[0];
    }

    [Fact]
    public void A_rule_for_an_unknown_kind_or_a_metric_its_kind_lacks_is_an_error_at_file_and_line()
    {
        const string yaml = """
            rules:
              - id: a
                kind: gas
                metric: depth_cm
                levels: [ { severity: red, above: 1 } ]
                case: { code: "0403", title: t }
              - id: b
                kind: sluice
                metric: gate_open
                levels: [ { severity: red, above: 0.5 } ]
                case: { code: "0403", title: t }
              - id: c
                kind: drainage
                where: "fill_ratio > 0.9 && rain > 20"
                levels: [ { severity: red } ]
                case: { code: "0404", title: t }
            """;

        var result = RuleParser.Parse([new("city.yaml", yaml)], new RuleParseOptions { Kinds = ShippedRules.Kinds });

        Assert.Equal(
            [
                (4, 13, "rules[0].metric", "unknown metric 'depth_cm' for kind 'gas'; gas devices report ch4_lel, pressure_kpa, battery_pct"),
                (8, 11, "rules[1].kind", "unknown kind 'sluice'; known kinds: manhole, waterlog, streetlight, vehicle, gas, watersupply, drainage, bridge, heating, lampcabinet"),
            ],
            result.Errors.Take(2).Select(e => (e.Line, e.Column, e.Field, e.Message)));
        Assert.Contains(result.Errors, e => e is { Line: 14, Field: "rules[2].where" } && e.Message.Contains("unknown metric 'rain' for kind 'drainage'", StringComparison.Ordinal));
        Assert.True(RuleParser.Parse([new("city.yaml", yaml.Replace("depth_cm", "ch4_lel", StringComparison.Ordinal))], new RuleParseOptions { Kinds = ShippedRules.Kinds }).Errors.All(e => e.Line > 4));
    }

    [Fact]
    public void CityOps_Kinds_is_laid_over_kinds_yaml_and_the_built_in_kinds()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CityOps:Rules:Path"] = RepoPaths.Rules,
            ["CityOps:Kinds:gas:Metrics:ch4_lel:Max"] = "80",
            ["CityOps:Kinds:gas:Code"] = "0111",
            ["CityOps:Kinds:waterlog:Offline"] = "00:10:00",
            ["CityOps:Kinds:waterlog:Interval"] = "00:00:30",
            ["CityOps:Kinds:sluice:Title"] = "闸门",
            ["CityOps:Kinds:sluice:Metrics:gate_open:Min"] = "0",
            ["CityOps:Kinds:sluice:Metrics:gate_open:Max"] = "1",
        }).Build();

        var kinds = NodeKinds.Load(configuration);

        Assert.Equal<string>([.. ShippedRules.Kinds.Kinds, "sluice"], kinds.Kinds);
        Assert.Equal(new MetricSpec("ch4_lel", "% LEL", 0, 80), kinds.Find("gas")!.Metrics[0]);
        Assert.Equal(("0111", TimeSpan.FromMinutes(30)), (kinds.DefaultCaseCode("gas"), kinds.Find("gas")!.OfflineAfter));
        Assert.Equal((TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(30)), (kinds.Find("waterlog")!.OfflineAfter, kinds.Find("waterlog")!.ReportInterval));
        Assert.Null(kinds.Find("gas")!.ReportInterval);
        Assert.Equal(new MetricSpec("gate_open", null, 0, 1), Assert.Single(kinds.Find("sluice")!.Metrics));
    }

    [Fact]
    public void Bad_CityOps_Kinds_values_and_kinds_yaml_errors_stop_start_up_with_every_problem()
    {
        using var folder = new TempFolder("kinds-config");
        File.WriteAllText(folder.Combine("kinds.yaml"), "kinds:\n  pump:\n    metrics: { level_m: { min: 3, max: 1 } }\n");
        var settings = new Dictionary<string, KindSettings>
        {
            ["Sluice"] = new() { Metrics = { ["gate_open"] = new() { Max = 1 } } },
            ["gas"] = new() { Offline = TimeSpan.Zero, Interval = TimeSpan.FromSeconds(-1) },
            ["waterlog"] = new() { Metrics = { ["depth_cm"] = new() { Min = 2000 } } },
        };

        var thrown = Assert.Throws<OptionsValidationException>(() => NodeKinds.Load(folder.Path, settings));

        Assert.Equal(
            [
                $"{folder.Combine("kinds.yaml")}:3:40: kinds.pump.metrics.level_m.max: the physical range is empty: min 3 is above max 1",
                "CityOps:Kinds:Sluice = Sluice: a kind is 1-64 characters of a-z, 0-9, _ or -",
                "CityOps:Kinds:gas:Offline = 00:00:00: must be positive",
                "CityOps:Kinds:gas:Interval = -00:00:01: must be positive",
                "CityOps:Kinds:gas:Metrics = (unset): a new kind needs its metrics (Metrics:{metric}:Unit, Min, Max)",
                "CityOps:Kinds:waterlog:Metrics:depth_cm:Max = (unset): the physical range is empty or not numbers (min 2000, max 1000)",
            ],
            thrown.Failures);
    }
}
