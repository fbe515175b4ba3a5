using CityOps.Grains;
using CityOps.Rules;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Alarms;

/// <summary>The filing policy of the rule's <c>case:</c> block (file, fileFrom, maintenance): parsing, errors and what it decides.</summary>
public sealed class AlarmFilingPolicyTests
{
    private const string Plain = """
        rules:
          - id: plain
            kind: waterlog
            metric: depth_cm
            levels: [ { severity: red, above: 80 } ]
            case: { code: "0406", title: "积水" }
        """;

    private static Rule Find(string id)
    {
        var result = RuleParser.Parse([new("desk.yaml", AlarmDeskRules.Yaml), new("plain.yaml", Plain)]);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Errors));
        return Assert.Single(result.RuleSet!.Rules, r => r.Id == id);
    }

    [Fact]
    public void FileFrom_files_at_once_only_from_that_severity_up()
    {
        var depth = Find("depth");
        Assert.Equal((FilingMode.Auto, Severity.Orange), (depth.Case.File, depth.Case.FileFrom));
        Assert.False(depth.FilesAt(Severity.Blue));
        Assert.False(depth.FilesAt(Severity.Yellow));
        Assert.True(depth.FilesAt(Severity.Orange));
        Assert.True(depth.FilesAt(Severity.Red));
    }

    [Fact]
    public void Confirm_and_never_never_file_by_themselves()
    {
        Assert.Equal(FilingMode.Confirm, Find("tilt").Case.File);
        Assert.False(Find("tilt").FilesAt(Severity.Red));
        Assert.Equal(FilingMode.Never, Find("open").Case.File);
        Assert.False(Find("open").FilesAt(Severity.Red));
    }

    [Fact]
    public void Maintenance_rule_needs_no_case_block_and_never_files()
    {
        var battery = Find("battery");
        Assert.True(battery.Maintenance);
        Assert.False(battery.FilesAt(Severity.Red));
        Assert.Equal("设备维护", battery.Case.Title);
    }

    [Fact]
    public void Rule_without_policy_keeps_filing_at_once_and_its_definition()
    {
        var plain = Find("plain");
        Assert.Equal((FilingMode.Auto, (Severity?)null, false), (plain.Case.File, plain.Case.FileFrom, plain.Maintenance));
        Assert.True(plain.FilesAt(Severity.Blue));
        Assert.DoesNotContain("file", plain.Definition.Replace("fileFrom", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("fileFrom=orange", Find("depth").Definition, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("case: { code: \"0406\", title: \"t\", file: sometimes }", 6, 45, "rules[0].case.file", "unknown file: 'sometimes'")]
    [InlineData("case: { code: \"0406\", title: \"t\", fileFrom: purple }", 6, 49, "rules[0].case.fileFrom", "unknown severity 'purple'")]
    [InlineData("case: { code: \"0406\", title: \"t\", file: confirm, fileFrom: red }", 6, 64, "rules[0].case.fileFrom", "fileFrom applies to file: auto")]
    [InlineData("maintenance: yes\n    case: { code: \"0406\", title: \"t\" }", 6, 18, "rules[0].maintenance", "maintenance is true or false")]
    [InlineData("maintenance: true\n    case: { code: \"0406\", title: \"t\", file: auto }", 7, 39, "rules[0].case.file", "never files a case")]
    public void Bad_policy_keys_are_refused_with_file_line_and_field(string tail, int line, int column, string field, string message)
    {
        var yaml = $"""
            rules:
              - id: bad
                kind: waterlog
                metric: depth_cm
                levels: [ {"{"} severity: blue, above: 15 {"}"} ]
                {tail}
            """;
        var result = RuleParser.Parse("bad.yaml", yaml);

        Assert.False(result.Success);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("bad.yaml", field), (error.File, error.Field));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal((line, column), (error.Line, error.Column));
    }

    [Fact]
    public void Shipped_rules_confirm_blue_and_yellow_depth_and_keep_device_health_in_upkeep()
    {
        var set = CityOps.Tests.Rules.ShippedRules.Parse().RuleSet!;

        var depth = set.Find("waterlog-depth")!;
        Assert.Equal([false, false, true, true], new[] { Severity.Blue, Severity.Yellow, Severity.Orange, Severity.Red }.Select(depth.FilesAt));
        var upkeep = set.Rules.Where(r => r.Maintenance).Select(r => r.Id).Order(StringComparer.Ordinal);
        Assert.Equal(
            ["bridge-offline", "cabinet-offline", "drainage-offline", "gas-battery-low", "gas-offline", "gas-range", "heating-offline", "manhole-battery-low",
             "manhole-offline", "streetlight-offline", "waterlog-battery-low", "waterlog-jump", "waterlog-offline", "waterlog-range", "waterlog-stuck", "watersupply-offline"],
            upkeep);
        Assert.True(set.Find("manhole-tilt")!.FilesAt(Severity.Yellow));
    }
}
