using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CityOps.Tests.Integration;

/// <summary><c>/api/v1/silences</c> over HTTP, and a silenced device raising no case through MQTT.</summary>
[Collection(DispatchApiCollection.Name)]
public sealed class SilenceApiTests(DispatchApiFixture city)
{
    private HttpClient Http => city.App.Http;

    [Fact]
    public async Task Silence_is_created_listed_and_expired()
    {
        using var created = await Http.PostAsJsonAsync("/api/v1/silences", new { grid = "410702001", ruleId = "waterlog-depth", duration = "2h", reason = "排水管网检修", by = "engineer" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var silence = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var id = (string)silence["id"]!;
        Assert.Equal("active", (string?)silence["state"]);
        Assert.Equal($"/api/v1/silences/{id}", created.Headers.Location?.ToString());

        var listed = await Http.GetFromJsonAsync<JsonArray>("/api/v1/silences");
        Assert.Contains(listed!, s => (string?)s!["id"] == id);

        using var deleted = await Http.DeleteAsync($"/api/v1/silences/{id}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal("expired", (string?)(await deleted.Content.ReadFromJsonAsync<JsonObject>())!["state"]);

        Assert.DoesNotContain((await Http.GetFromJsonAsync<JsonArray>("/api/v1/silences"))!, s => (string?)s!["id"] == id);
        Assert.Contains((await Http.GetFromJsonAsync<JsonArray>("/api/v1/silences?all=true"))!, s => (string?)s!["id"] == id);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.DeleteAsync("/api/v1/silences/sil-nope")).StatusCode);
    }

    [Theory]
    [InlineData("""{"duration": "1h", "reason": "no matcher"}""", "matchers")]
    [InlineData("""{"deviceId": "WL 1", "duration": "1h", "reason": "bad id"}""", "deviceId")]
    [InlineData("""{"grid": "41a", "duration": "1h", "reason": "bad grid"}""", "grid")]
    [InlineData("""{"zone": "no-such-zone", "duration": "1h", "reason": "unknown zone"}""", "zone")]
    [InlineData("""{"deviceId": "WL-1", "duration": "1h"}""", "reason")]
    [InlineData("""{"deviceId": "WL-1", "reason": "no end"}""", "endsAt")]
    [InlineData("""{"deviceId": "WL-1", "endsAt": "2020-01-01T00:00:00Z", "reason": "in the past"}""", "endsAt")]
    [InlineData("""{"deviceId": "WL-1", "duration": "365d", "reason": "too long"}""", "endsAt")]
    public async Task Invalid_silence_answers_400_naming_the_field(string body, string field)
    {
        using var response = await Http.PostAsync("/api/v1/silences", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.NotNull(problem!["errors"]![field]);
    }

    [Fact]
    public async Task Silenced_device_shows_its_alarm_but_raises_no_case()
    {
        using (var put = await Http.PutAsJsonAsync("/api/v1/devices/WL-SIL-1", new { kind = "waterlog", name = "下穿隧道", lat = 35.305, lon = 113.905 }))
        {
            put.EnsureSuccessStatusCode();
        }

        using (var created = await Http.PostAsJsonAsync("/api/v1/silences", new { deviceId = "WL-SIL-1", duration = "1h", reason = "gauge recalibration" }))
        {
            created.EnsureSuccessStatusCode();
        }

        var port = int.Parse(city.App.Settings["CityOps:Mqtt:EmbeddedPort"], System.Globalization.CultureInfo.InvariantCulture);
        await using (var devices = await Devices.ConnectAsync(port))
        {
            await devices.PublishAsync("city/waterlog/WL-SIL-1/telemetry", Devices.Reading(DateTimeOffset.UtcNow, 1, "depth_cm", 60));
        }

        JsonObject? device = null;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            device = await Http.GetFromJsonAsync<JsonObject>("/api/v1/devices/WL-SIL-1");
            if (device!["alarms"]!.AsArray().Count > 0)
            {
                break;
            }

            await Task.Delay(50);
        }

        var alarm = Assert.Single(device!["alarms"]!.AsArray())!;
        Assert.Equal("red", (string?)alarm["severity"]);
        Assert.Null(alarm["caseId"]);
        Assert.Empty(await Devices.CasesAsync(Http, "deviceId=WL-SIL-1"));
    }
}
