using CityOps.Rules;
using CityOps.Rules.Incidents;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Incidents;

/// <summary>incidents: in rule files (CONTRACT §8): parsing, the checks with file/line/field, and how a device finds its group.</summary>
public class IncidentRuleTests
{
    private const string Depth = """
        rules:
          - id: depth
            kind: waterlog
            metric: depth_cm
            levels: [ { severity: orange, above: 40 } ]
            case: { code: "0406", title: "t" }
        """;

    private static RuleParseResult Parse(string incidents, string? zone = null) =>
        RuleParser.Parse([new("a-rules.yaml", Depth), new("b-incidents.yaml", incidents)],
            zone is null ? RuleParseOptions.Default : new RuleParseOptions { Zones = new OneZone(zone) });

    [Fact]
    public void The_fixture_parses_into_an_incident_rule_with_every_field()
    {
        var result = RuleParser.Parse("incidents.yaml", IncidentRules.Yaml);

        Assert.True(result.Success, string.Join(Environment.NewLine, result.Errors));
        var incident = Assert.Single(result.RuleSet!.Incidents);
        Assert.Equal(("catchment-flood", IncidentGroupBy.Attribute, "catchment", TimeSpan.FromMinutes(10), 2),
            (incident.Id, incident.Group.By, incident.Group.Attribute, incident.Within, incident.Min));
        Assert.Equal(["depth"], incident.RuleIds.ToArray());
        Assert.Equal("{zone.name} 多点积水 ({count} 处)", incident.Case.Title);
        Assert.Equal(Severity.Orange, incident.Case.FileFrom);
        Assert.Same(incident, result.RuleSet.IncidentOf("depth"));
        Assert.Null(result.RuleSet.IncidentOf("battery"));
        Assert.Equal(2, incident.SourceLine);
    }

    [Fact]
    public void An_incident_may_name_a_rule_of_another_file_and_a_file_may_hold_only_incidents()
    {
        var result = Parse("""
            incidents:
              - { id: flood, rules: [depth], group: grid:9, within: 5m, case: { code: "0406", title: "{count} 处" } }
            """);

        Assert.True(result.Success, string.Join(Environment.NewLine, result.Errors));
        var incident = Assert.Single(result.RuleSet!.Incidents);
        Assert.Equal((IncidentGroupBy.Grid, 9, 2), (incident.Group.By, incident.Group.GridDigits, incident.Min));
    }

    [Fact]
    public void References_and_values_are_checked_with_file_line_and_field()
    {
        var result = Parse("""
            incidents:
              - id: flood
                rules: [depth, deep]
                group: street
                zones: [nowhere]
                within: 0
                min: 1
                case: { code: "0406", title: "x" }
              - { id: again, rules: [depth], group: zone, within: 5m, case: { code: "0406", title: "x" } }
              - { id: depth, rules: [depth], group: zone, within: 5m, case: { code: "0406", title: "x" } }
            """, zone: "underpasses");

        Assert.Equal<string>([
            "b-incidents.yaml:3:20: incidents[0].rules[1]: unknown rule 'deep'; name a rule id of the rule set",
            "b-incidents.yaml:4:12: incidents[0].group: unknown group 'street'; use " + IncidentGrouping.Forms,
            "b-incidents.yaml:5:13: incidents[0].zones: unknown zone 'nowhere'; upload it with PUT /api/v1/zones first",
            "b-incidents.yaml:6:13: incidents[0].within: within needs a window longer than 0, e.g. within: 10m",
            "b-incidents.yaml:7:10: incidents[0].min: min is a whole number of devices from 2 up (one device is an alarm, not an incident)",
            "b-incidents.yaml:9:26: incidents[1].rules[0]: rule 'depth' is already grouped by incident 'flood'; a rule belongs to one incident at most",
            "b-incidents.yaml:10:11: incidents[2].id: id 'depth' is already used at a-rules.yaml:2; rule and incident ids must be unique across all rule files",
            "b-incidents.yaml:10:26: incidents[2].rules[0]: rule 'depth' is already grouped by incident 'flood'; a rule belongs to one incident at most",
        ], result.Errors.Select(e => e.ToString()).ToArray());
    }

    [Theory]
    [InlineData("zone", "underpasses")]
    [InlineData("grid", "410702001001001")]
    [InlineData("grid:9", "410702001")]
    [InlineData("attribute:catchment", "east")]
    public void A_device_is_grouped_by_zone_grid_grid_prefix_or_attribute(string group, string key)
    {
        var incident = Incident(group);

        Assert.Equal(key, incident.GroupKey(["underpasses"], "410702001001001", new Dictionary<string, string> { ["catchment"] = "east" }));
    }

    [Fact]
    public void A_device_outside_the_incidents_zones_or_without_the_attribute_is_in_no_group()
    {
        var inUnderpasses = Incident("attribute:catchment", "underpasses");
        var attributes = new Dictionary<string, string> { ["catchment"] = "east" };

        Assert.Equal("east", inUnderpasses.GroupKey(["parks", "underpasses"], null, attributes));
        Assert.Null(inUnderpasses.GroupKey(["parks"], null, attributes));
        Assert.Null(Incident("attribute:catchment").GroupKey([], null, new Dictionary<string, string>()));
        Assert.Null(Incident("zone").GroupKey([], "410702001001001", attributes));
        Assert.Null(Incident("grid").GroupKey([], null, attributes));
    }

    private static IncidentRule Incident(string group, params string[] zones) => new()
    {
        Id = "flood",
        RuleIds = ["depth"],
        Group = IncidentGrouping.Parse(group)!,
        Zones = [.. zones],
        Within = TimeSpan.FromMinutes(10),
        Min = 2,
        Case = new CaseTemplate("0406", "t"),
    };

    private sealed class OneZone(string id) : IZoneLookup
    {
        public bool HasZone(string zoneId) => zoneId == id;

        public bool IsInside(string zoneId, double lat, double lon) => false;

        public IReadOnlyList<string> ZonesAt(double lat, double lon) => [];
    }
}
