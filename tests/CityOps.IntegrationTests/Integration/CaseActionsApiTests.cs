using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CityOps.Tests.Integration;

/// <summary>The command centre's actions over HTTP: field errors name the field, and a postponement goes request → approval.</summary>
[Collection(DispatchApiCollection.Name)]
public sealed class CaseActionsApiTests(DispatchApiFixture city)
{
    [Theory]
    [InlineData("return", "reason")]
    [InlineData("request-postpone", "dueAt")]
    [InlineData("reassign", "unit")]
    [InlineData("adjourn", "action")]
    public async Task Action_missing_what_it_needs_answers_400_naming_the_field(string action, string field)
    {
        using var dispatcher = city.Client(DispatchApiFixture.DispatcherKey);
        var id = await DispatchCity.FileAsync(dispatcher);

        using var response = await dispatcher.PostAsJsonAsync($"/api/v1/cases/{id}/actions", new { action });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![field]);
    }

    [Fact]
    public async Task Postponement_is_asked_by_the_desk_and_decided_by_a_supervisor()
    {
        using var dispatcher = city.Client(DispatchApiFixture.DispatcherKey);
        using var supervisor = city.Client(DispatchApiFixture.SupervisorKey);
        var id = await DispatchCity.FileAsync(dispatcher);
        var dispatched = await Act(dispatcher, id, new { action = "dispatch" }, HttpStatusCode.OK);
        var due = DateTimeOffset.Parse((string)dispatched["dueAt"]!, System.Globalization.CultureInfo.InvariantCulture);

        var asked = await Act(dispatcher, id, new { action = "request-postpone", dueAt = due.AddDays(1), note = "parts on order" }, HttpStatusCode.OK);
        Assert.NotNull(asked["postponeRequestedTo"]);
        await Act(dispatcher, id, new { action = "approve-postpone" }, HttpStatusCode.Forbidden);

        var approved = await Act(supervisor, id, new { action = "approve-postpone", by = "chief" }, HttpStatusCode.OK);

        Assert.Equal(due.AddDays(1), DateTimeOffset.Parse((string)approved["dueAt"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.False((bool)approved["overdue"]!);
        var last = approved["history"]!.AsArray()[^1]!;
        Assert.Equal(("approve-postpone", "supervisor-on-duty", "on behalf of chief"), ((string?)last["type"], (string?)last["actor"], (string?)last["note"]));
        await Act(supervisor, id, new { action = "approve-postpone" }, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Returned_case_goes_back_to_the_desk_and_is_dispatched_again_with_a_new_deadline()
    {
        using var dispatcher = city.Client(DispatchApiFixture.DispatcherKey);
        var id = await DispatchCity.FileAsync(dispatcher);
        await Act(dispatcher, id, new { action = "dispatch" }, HttpStatusCode.OK);

        var returned = await Act(dispatcher, id, new { action = "return", reason = "not our cover" }, HttpStatusCode.OK);
        Assert.Equal("filed", (string?)returned["status"]);
        Assert.Null(returned["dueAt"]);

        var again = await Act(dispatcher, id, new { action = "dispatch", unit = "roads-bureau" }, HttpStatusCode.OK);
        Assert.Equal(("dispatched", "roads-bureau"), ((string?)again["status"], (string?)again["unit"]));
        Assert.NotNull(again["dueAt"]);
        Assert.Equal(["file", "dispatch", "return", "dispatch"], again["history"]!.AsArray().Select(e => (string?)e!["type"]));
    }

    private static async Task<JsonObject> Act(HttpClient client, string id, object body, HttpStatusCode expected)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/cases/{id}/actions", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}
