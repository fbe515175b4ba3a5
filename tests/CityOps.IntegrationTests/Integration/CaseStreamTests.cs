using System.Text.Json.Nodes;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Integration;

/// <summary><c>GET /api/v1/cases/stream</c>: live case events, and replay with Last-Event-ID, also after a crash.</summary>
public sealed class CaseStreamTests
{
    [Fact]
    public async Task Stream_sends_live_changes_and_replays_what_a_client_missed_even_after_a_crash()
    {
        using var folder = new TempFolder("sse");
        var app = await DispatchCity.StartAsync(folder);
        await using (app)
        {
            var http = app.Http;
            string id = "";

            // Live: connected first, then a case is filed and dispatched.
            var live = await SseClient.ReadAsync(http, "/api/v1/cases/stream", null, 2, TimeSpan.FromSeconds(15), async () =>
            {
                id = await DispatchCity.FileAsync(http);
                await DispatchCity.ActAsync(http, id, "dispatch");
            });
            Assert.Equal(["case.filed", "case.dispatched"], live.Select(e => e.Event));
            Assert.All(live, e => Assert.Equal(id, (string?)JsonNode.Parse(e.Data)!["case"]!["id"]));
            var ids = live.Select(e => long.Parse(e.Id!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.True(ids[1] > ids[0]);

            // Changes while the client is away, then CityOps crashes and comes back.
            await DispatchCity.ActAsync(http, id, "handle");
            await app.KillAsync();
            await app.StartAsync();
            await DispatchCity.ActAsync(http, id, "verify");

            var resumed = await SseClient.ReadAsync(http, "/api/v1/cases/stream", live[^1].Id, 2, TimeSpan.FromSeconds(15));
            Assert.Equal(["case.handled", "case.verified"], resumed.Select(e => e.Event));
            Assert.Equal("verified", (string?)JsonNode.Parse(resumed[1].Data)!["case"]!["status"]);

            // From the start of the log: everything, in order.
            var all = await SseClient.ReadAsync(http, "/api/v1/cases/stream?lastEventId=0", null, 4, TimeSpan.FromSeconds(15));
            Assert.Equal(["case.filed", "case.dispatched", "case.handled", "case.verified"], all.Select(e => e.Event));
        }
    }
}
