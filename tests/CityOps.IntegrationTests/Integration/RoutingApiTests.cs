using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CityOps.Tests.Integration;

/// <summary><c>/api/v1/routing</c> and the routed fields of a case over HTTP.</summary>
[Collection(DispatchApiCollection.Name)]
public sealed class RoutingApiTests(DispatchApiFixture city)
{
    [Fact]
    public async Task Routing_in_force_and_its_decision_for_a_code_are_visible()
    {
        var routing = await city.App.Http.GetFromJsonAsync<JsonObject>("/api/v1/routing");
        Assert.NotNull(routing!["calendar"]!["timeZone"]);

        var decision = await city.App.Http.GetFromJsonAsync<JsonObject>("/api/v1/routing/decide?code=0406&gridUnit=water-east");
        Assert.Equal("water-east", (string?)decision!["unit"]);
        Assert.True((bool)decision["workingHours"]!);
    }

    [Fact]
    public async Task Dispatch_without_a_unit_goes_to_the_cases_unit_and_postpone_needs_a_due_time()
    {
        var http = city.App.Http;
        var id = await DispatchCity.FileAsync(http, unit: "water-east");

        var dispatched = await DispatchCity.ActAsync(http, id, "dispatch", new { action = "dispatch" });
        Assert.Equal("water-east", (string?)dispatched["unit"]);
        Assert.False((bool)dispatched["overdue"]!);

        using var postpone = await http.PostAsJsonAsync($"/api/v1/cases/{id}/actions", new { action = "postpone" });
        Assert.Equal(HttpStatusCode.BadRequest, postpone.StatusCode);
    }
}
