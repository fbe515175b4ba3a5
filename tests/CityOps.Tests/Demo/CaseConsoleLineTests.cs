using System.Collections.Immutable;
using CityOps.Api.Hosting;
using CityOps.Grains;
using CityOps.Tests.Rules;

namespace CityOps.Tests.Demo;

/// <summary>The console's line per case says what the case is: an incident's, a root cause's, one alarm's, a person's.</summary>
public sealed class CaseConsoleLineTests
{
    private static readonly CityOps.Rules.RuleSet Rules = ShippedRules.Parse().RuleSet!;
    private static readonly DateTimeOffset At = new(2026, 7, 20, 8, 15, 0, TimeSpan.Zero);

    private static CaseSnapshot Case(string? ruleId, string? incidentId = null, int alarms = 1) =>
        new("20260720-081500-abc123", CaseStatus.Filed, Severity.Orange, "0406", null, "西南排水分区 多点积水 (3 处)", "WL-0001", ruleId,
            35.3, 113.9, "410702001001001", "water-east", 55.5, 55.5, true, At, At, null, null, ImmutableArray<HistoryEntry>.Empty,
            AlarmIds: [.. Enumerable.Range(0, alarms).Select(i => "al-" + i)], IncidentId: incidentId);

    [Fact]
    public void An_incident_case_says_it_is_one_case_for_its_alarms()
    {
        Assert.Equal("incident in-1: one case for 3 alarms", CaseConsoleReporter.What(Case("waterlog-depth", "in-1", 3), Rules));
    }

    [Fact]
    public void A_case_of_a_rule_that_inhibits_others_says_it_is_a_root_cause()
    {
        Assert.Equal("root cause: cabinet-power-loss holds streetlight-dark, streetlight-offline, streetlight-undervoltage of its child devices",
            CaseConsoleReporter.What(Case("cabinet-power-loss"), Rules));
    }

    [Fact]
    public void Other_cases_are_one_alarm_s_or_a_person_s()
    {
        Assert.Equal("alarm of manhole-tilt", CaseConsoleReporter.What(Case("manhole-tilt"), Rules));
        Assert.Equal("reported by a person", CaseConsoleReporter.What(Case(null), Rules));
    }
}
