using System.Collections.Immutable;
using CityOps.Grains;
using CityOps.Grains.Cases;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Tests.Grains;

/// <summary>
/// An incident that files its own case (no member had filed one) files it as the incident's in one <c>case.filed</c>; a
/// <c>case.updated</c> in the same millisecond would be the same point in the <c>cases</c> measurement and hide the filing.
/// </summary>
public sealed class IncidentCaseFilingTests(IncidentClusterFixture fixture) : IClassFixture<IncidentClusterFixture>
{
    [Fact]
    public async Task A_new_incident_case_is_filed_once_with_its_incident_then_updated_as_members_join()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var events = fixture.SiloServices.GetRequiredService<CaseEventHub>().Subscribe(stop.Token);
        var at = fixture.Time.GetUtcNow();
        var id = "20260720-080000-inc001";
        var filing = new CaseFiling("0406", "道路积水 45 cm", Severity.Orange, "G-1", "depth", 35.3, 113.9, "410702001001001", "water-east", 45, at,
            "incident:in-1", "incident in-1 (catchment-flood, east)", AlarmId: "al-1");
        var grain = fixture.Grains.GetGrain<ICaseGrain>(id);

        var filed = await grain.FileIncident(filing, new IncidentCaseUpdate("in-1", at, "east 多点积水 (2 处)", Severity.Orange, ["al-1", "al-2"], true, "formed"));
        var grown = await grain.FileIncident(filing, new IncidentCaseUpdate("in-1", at.AddSeconds(10), "east 多点积水 (3 处)", Severity.Orange, ["al-1", "al-2", "al-3"], true, "joined"));

        Assert.Equal(("in-1", "east 多点积水 (2 处)", 2), (filed.IncidentId, filed.Title, filed.AlarmIds!.Value.Length));
        Assert.Equal(3, grown.AlarmIds!.Value.Length);
        // Routing may dispatch it at once (case.dispatched); filing and growing are one event each.
        var mine = new List<CaseEvent>();
        while (mine.Count < 2)
        {
            var e = await events.ReadAsync(stop.Token);
            if (e.Case.Id == id && e.Event is CaseEventKind.Filed or CaseEventKind.Updated)
            {
                mine.Add(e);
            }
        }

        Assert.Equal([CaseEventKind.Filed, CaseEventKind.Updated], mine.Select(e => e.Event));
        Assert.Equal(("in-1", "east 多点积水 (2 处)"), (mine[0].Case.IncidentId, mine[0].Case.Title));
        Assert.Equal("east 多点积水 (3 处)", mine[1].Case.Title);
    }
}
