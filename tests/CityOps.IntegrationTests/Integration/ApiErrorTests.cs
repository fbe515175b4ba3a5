using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace CityOps.Tests.Integration;

/// <summary>
/// Careless input, sent raw as curl would: every refusal is problem+json naming the field and the problem, oversized
/// bodies are 413s, paging and ids refuse what they cannot serve.
/// </summary>
[Collection(DispatchApiCollection.Name)]
public sealed class ApiErrorTests(DispatchApiFixture city)
{
    private HttpClient Http => city.App.Http;

    [Theory]
    [InlineData("""{"kind": "waterlog", "lat": "north", "lon": 113.9}""", "lat", "expected a number (line 1, position 36)")]
    [InlineData("""{"kind": "waterlog", "attributes": "many"}""", "attributes", "expected an object")]
    [InlineData("hello", "body", "not valid JSON: 'h' is an invalid start of a value. (line 1, position 1)")]
    [InlineData("""{"kind": "waterlog",""", "body", "not valid JSON")]
    [InlineData("", "body", "a JSON object is required")]
    [InlineData("""{"kind": "waterlog", "attributes": {"mode": [1]}}""", "attributes.mode", "expected a string, a number or true/false, not array")]
    public async Task A_body_that_does_not_fit_names_the_field_and_the_problem(string body, string field, string problem)
    {
        using var response = await SendRaw(HttpMethod.Put, "/api/v1/devices/ERR-1", body, "application/json");

        var error = await Problem(response, HttpStatusCode.BadRequest);
        Assert.Contains(problem, (string?)error["errors"]![field]![0]);
    }

    [Fact]
    public async Task A_case_with_a_wrong_type_is_refused_the_same_way() =>
        Assert.Contains("expected a string", (string?)(await Problem(
            await SendRaw(HttpMethod.Post, "/api/v1/cases", """{"code": 406, "title": "积水"}""", "application/json"), HttpStatusCode.BadRequest))["errors"]!["code"]![0]);

    [Fact]
    public async Task A_case_with_a_severity_other_than_the_four_colours_names_it() =>
        Assert.Equal("severity is blue, yellow, orange or red", (string?)(await Problem(
            await SendRaw(HttpMethod.Post, "/api/v1/cases", """{"code": "0406", "title": "积水", "severity": "none"}""", "application/json"), HttpStatusCode.BadRequest))["errors"]!["severity"]![0]);

    [Fact]
    public async Task A_body_of_another_media_type_says_what_the_endpoint_takes()
    {
        var error = await Problem(await SendRaw(HttpMethod.Put, "/api/v1/devices/ERR-1", "{}", "text/plain"), HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/json", (string?)error["detail"]);
    }

    [Fact]
    public async Task Attributes_may_be_numbers_and_booleans_and_set_the_per_device_threshold()
    {
        using var response = await SendRaw(
            HttpMethod.Put, "/api/v1/devices/ERR-ATTR-1",
            """{"kind": "waterlog", "attributes": {"threshold.waterlog-depth.red": 12, "pumped": true, "catchment": "east"}}""",
            "application/json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var device = (await Http.GetFromJsonAsync<JsonObject>("/api/v1/devices/ERR-ATTR-1"))!;
        Assert.Equal("12", (string?)device["attributes"]!["threshold.waterlog-depth.red"]);
        Assert.Equal("true", (string?)device["attributes"]!["pumped"]);
        Assert.Equal("east", (string?)device["attributes"]!["catchment"]);
    }

    [Theory]
    [InlineData("/api/v1/cases?page=abc", "page", "'abc' is not an integer")]
    [InlineData("/api/v1/devices?pageSize=1e3", "pageSize", "'1e3' is not an integer")]
    [InlineData("/api/v1/cases?from=yesterday", "from", "'yesterday' is not a time")]
    [InlineData("/api/v1/cases?page=2147483647", "page", "beyond any list")]
    [InlineData("/api/v1/devices?page=2147483647", "page", "beyond any list")]
    [InlineData("/api/v1/audit?page=2147483647", "page", "beyond any list")]
    [InlineData("/api/v1/devices?pageSize=1001", "pageSize", "pageSize is 1-1000")]
    [InlineData("/api/v1/alarms?pageSize=1001", "pageSize", "pageSize is 1-1000")]
    [InlineData("/api/v1/alarms?page=2147483647", "page", "beyond any list")]
    [InlineData("/api/v1/maintenance?page=0", "page", "page starts at 1")]
    [InlineData("/api/v1/incidents?pageSize=0", "pageSize", "pageSize is 1-1000")]
    [InlineData("/api/v1/incidents?page=abc", "page", "'abc' is not an integer")]
    [InlineData("/api/v1/alarms?severity=none", "severity", "severity is blue, yellow, orange or red")]
    [InlineData("/api/v1/routing/decide?code=0406&severity=Red", "severity", "severity is blue, yellow, orange or red")]
    public async Task Query_values_that_do_not_fit_name_the_parameter(string path, string field, string problem)
    {
        using var response = await Http.GetAsync(path);

        var error = await Problem(response, HttpStatusCode.BadRequest);
        Assert.Contains(problem, (string?)error["errors"]![field]![0]);
    }

    [Theory]
    [InlineData("ERR-2%0A")]
    [InlineData("ERR-2%0D%0A")]
    public async Task Device_ids_with_a_trailing_newline_are_refused(string id)
    {
        using var response = await SendRaw(HttpMethod.Put, "/api/v1/devices/" + id, """{"kind": "waterlog"}""", "application/json");

        var error = await Problem(response, HttpStatusCode.BadRequest);
        Assert.NotNull(error["errors"]!["id"]);
    }

    [Fact]
    public async Task Rules_over_one_mebibyte_answer_413_problem_json()
    {
        var yaml = "# " + new string('x', 1024 * 1024 + 100) + "\nrules: []\n";

        using var response = await SendRaw(HttpMethod.Post, "/api/v1/rules/validate", yaml, "application/yaml");

        var error = await Problem(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("1048576", (string?)error["errors"]!["body"]![0]);
        Assert.DoesNotContain("   at ", error.ToJsonString());
    }

    [Fact]
    public async Task Zones_over_32_mebibytes_answer_413_problem_json()
    {
        // Sent as curl does: the headers announce 33 MiB, the server answers before the body is through, so the
        // answer is read off the socket rather than through HttpClient (which reports the early close as a failure).
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, city.App.HttpPort);
        var stream = tcp.GetStream();
        var head = $"PUT /api/v1/zones HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: {DispatchApiFixture.AdminKey}\r\n" +
            $"Content-Type: application/geo+json\r\nContent-Length: {33 * 1024 * 1024}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head + "{\"type\": \"FeatureCollection\", \"features\": [" + new string(' ', 60_000)));
        using var reader = new StreamReader(stream);
        var answer = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.StartsWith("HTTP/1.1 413", answer);
        Assert.Contains("Content-Type: application/problem+json", answer);
        Assert.Contains("\"status\":413", answer);
    }

    [Fact]
    public async Task Rule_validation_lists_the_first_hundred_errors_and_counts_the_rest()
    {
        var yaml = new StringBuilder("rules:\n");
        for (var i = 0; i < 600; i++)
        {
            yaml.Append("  - { id: \"Not An Id ").Append(i).Append("\", kind: nowhere }\n");
        }

        using var response = await SendRaw(HttpMethod.Post, "/api/v1/rules/validate", yaml.ToString(), "application/yaml");

        var error = await Problem(response, HttpStatusCode.BadRequest);
        Assert.Equal(100, error["problems"]!.AsArray().Count);
        Assert.True((int)error["errorCount"]! >= 600, error["errorCount"]!.ToJsonString());
        Assert.Contains("more errors not listed", (string?)error["errors"]!["rules"]![0]);
        Assert.True(error.ToJsonString().Length < 100_000);
    }

    [Fact]
    public async Task Backtest_takes_a_json_body()
    {
        var body = new JsonObject
        {
            ["rules"] = TestCity.Rules,
            ["data"] = "time,device,kind,depth_cm\n2026-07-20T08:00:00Z,BTJ-1,waterlog,10\n2026-07-20T08:01:00Z,BTJ-1,waterlog,60\n2026-07-20T08:02:00Z,BTJ-1,waterlog,60\n",
            ["device"] = "BTJ-1",
            ["kind"] = "waterlog",
            ["to"] = "2026-07-20T09:00:00Z",
        };

        using var response = await Http.PostAsJsonAsync("/api/v1/rules/backtest", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(3, (int)result["readings"]!);
        Assert.Equal("BTJ-1", (string?)Assert.Single(result["cases"]!.AsArray())!["deviceId"]);
    }

    [Theory]
    [InlineData("2026-07-21T00:00:00Z", "2026-07-20T00:00:00Z", "to", "must be after from")]
    [InlineData("1970-01-01T00:00:00Z", "9999-12-31T00:00:00Z", "to", "must be between 1677-09-22 and 2262-04-10")]
    [InlineData("1500-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "from", "must be between")]
    [InlineData("north", "2026-01-01T00:00:00Z", "from", "'north' is not a time")]
    public async Task Backtest_ranges_are_checked(string from, string to, string field, string problem)
    {
        var body = new JsonObject { ["from"] = from, ["to"] = to, ["data"] = "time,device,kind,depth_cm\n2026-07-20T08:00:00Z,BTJ-2,waterlog,10\n" };

        using var response = await Http.PostAsJsonAsync("/api/v1/rules/backtest", body);

        var error = await Problem(response, HttpStatusCode.BadRequest);
        Assert.Contains(problem, (string?)error["errors"]![field]![0]);
    }

    [Fact]
    public async Task Backtest_json_that_does_not_parse_names_the_field()
    {
        using var response = await SendRaw(HttpMethod.Post, "/api/v1/rules/backtest", """{"from": 5}""", "application/json");

        var error = await Problem(response, HttpStatusCode.BadRequest);
        Assert.Contains("expected a string", (string?)error["errors"]!["from"]![0]);
    }

    [Fact]
    public async Task A_control_character_in_a_case_title_does_not_break_the_open311_xml()
    {
        using var filed = await Http.PostAsJsonAsync("/api/v1/cases", new { code = "0406", title = "积水\u0001\u001b[31m", lat = 35.30, lon = 113.92 });
        filed.EnsureSuccessStatusCode();

        using var response = await Http.GetAsync("/open311/v2/requests.xml");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var xml = System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(xml.Descendants("description"), d => d.Value.StartsWith("积水\uFFFD\uFFFD[31m", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_last_event_id_ahead_of_the_log_is_answered_with_a_reset_not_silence()
    {
        using var filed = await Http.PostAsJsonAsync("/api/v1/cases", new { code = "0406", title = "积水 reset" });
        filed.EnsureSuccessStatusCode();

        var events = await Infrastructure.SseClient.ReadAsync(Http, "/api/v1/cases/stream", "999999999", 2, TimeSpan.FromSeconds(10));

        Assert.Equal("reset", events[0].Event);
        Assert.Contains("\"lastEventId\":999999999", events[0].Data);
        Assert.StartsWith("case.", events[1].Event);
    }

    [Fact]
    public async Task Curl_gets_the_field_and_the_problem()
    {
        var curl = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            "-sS", "-X", "PUT", "-H", "X-Api-Key: " + DispatchApiFixture.AdminKey, "-H", "Content-Type: application/json",
            "--data-binary", """{"kind": "waterlog", "lat": "north", "lon": 1}""", "-w", "\n%{http_code} %{content_type}",
            $"http://127.0.0.1:{city.App.HttpPort}/api/v1/devices/ERR-CURL",
        })
        {
            curl.ArgumentList.Add(argument);
        }

        using var process = Process.Start(curl)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(0, process.ExitCode);
        var lines = output.Split('\n');
        Assert.Equal("400 application/problem+json", lines[^1]);
        Assert.Contains("expected a number", (string?)JsonNode.Parse(lines[0])!["errors"]!["lat"]![0]);
    }

    private async Task<HttpResponseMessage> SendRaw(HttpMethod method, string path, string body, string contentType)
    {
        var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return await Http.SendAsync(request);
    }

    private static async Task<JsonObject> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            return JsonNode.Parse(text)!.AsObject();
        }
    }
}
