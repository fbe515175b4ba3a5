using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace CityOps.Tests.Integration;

/// <summary>The Open311 GeoReport v2 view of cases, every field in both the JSON and the XML shape.</summary>
[Collection(DispatchApiCollection.Name)]
public sealed partial class Open311Tests(DispatchApiFixture city)
{
    private static readonly string[] Fields =
    [
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible",
        "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
        "lat", "long", "media_url",
    ];

    private HttpClient Http => city.App.Http;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")]
    private static partial Regex Iso8601WithOffset();

    private async Task<string> FiledCase(string code = "0102")
    {
        var id = await DispatchCity.FileAsync(Http, code);
        await DispatchCity.ActAsync(Http, id, "dispatch", new { action = "dispatch", by = "dispatcher", note = "派遣到水务" });
        return id;
    }

    private async Task<JsonObject> JsonRequest(string id) =>
        Assert.Single(JsonNode.Parse(await Http.GetStringAsync($"/open311/v2/requests/{id}.json"))!.AsArray())!.AsObject();

    private async Task<XElement> XmlRequest(string id)
    {
        using var response = await Http.GetAsync($"/open311/v2/requests/{id}.xml");
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        var root = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal("service_requests", root.Name.LocalName);
        return Assert.Single(root.Elements("request"));
    }

    [Fact]
    public async Task Request_carries_every_standard_field_in_json()
    {
        var id = await FiledCase();

        var r = await JsonRequest(id);

        Assert.Equal(Fields, r.Select(p => p.Key));
        Assert.Equal(id, (string?)r["service_request_id"]);
        Assert.Equal("open", (string?)r["status"]);
        Assert.Equal("dispatch by admin-on-duty: unit water-east; 派遣到水务; on behalf of dispatcher", (string?)r["status_notes"]);
        Assert.Equal("污水井盖", (string?)r["service_name"]);
        Assert.Equal("0102", (string?)r["service_code"]);
        Assert.Equal("井盖破损", (string?)r["description"]);
        Assert.Equal("water-east", (string?)r["agency_responsible"]);
        Assert.Null(r["service_notice"]);
        foreach (var time in new[] { "requested_datetime", "updated_datetime", "expected_datetime" })
        {
            Assert.Matches(Iso8601WithOffset(), (string?)r[time]);
        }

        // 处置时限 runs from dispatch (the last change), not from filing.
        Assert.Equal(DateTimeOffset.Parse((string)r["updated_datetime"]!, CultureInfo.InvariantCulture).AddHours(6), DateTimeOffset.Parse((string)r["expected_datetime"]!, CultureInfo.InvariantCulture));
        Assert.Equal("unit grid 410702001001001", (string?)r["address"]);
        Assert.Equal("410702001001001", (string?)r["address_id"]);
        Assert.Null(r["zipcode"]);
        Assert.Equal(35.305, (double?)r["lat"]);
        Assert.Equal(113.905, (double?)r["long"]);
        Assert.Null(r["media_url"]);
    }

    [Fact]
    public async Task Request_carries_the_same_fields_and_values_in_xml()
    {
        var id = await FiledCase();
        var json = await JsonRequest(id);

        var xml = await XmlRequest(id);

        Assert.Equal(Fields, xml.Elements().Select(e => e.Name.LocalName));
        foreach (var field in Fields)
        {
            var expected = json[field] switch
            {
                null => "",
                JsonValue v when v.TryGetValue<double>(out var d) => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                var v => (string?)v,
            };
            Assert.True(expected == xml.Element(field)!.Value, $"{field}: json {expected}, xml {xml.Element(field)!.Value}");
        }
    }

    [Fact]
    public async Task Services_list_the_code_table_in_both_shapes()
    {
        var json = JsonNode.Parse(await Http.GetStringAsync("/open311/v2/services.json"))!.AsArray();
        var waterlog = json.Single(s => (string?)s!["service_code"] == "0406")!;
        Assert.Equal("道路积水", (string?)waterlog["service_name"]);
        Assert.Equal("realtime", (string?)waterlog["type"]);
        Assert.False((bool)waterlog["metadata"]!);

        var xml = XDocument.Parse(await Http.GetStringAsync("/open311/v2/services.xml")).Root!;
        Assert.Equal("services", xml.Name.LocalName);
        Assert.Equal(json.Count, xml.Elements("service").Count());
        Assert.Equal("道路积水", xml.Elements("service").Single(s => s.Element("service_code")!.Value == "0406").Element("service_name")!.Value);
    }

    [Fact]
    public async Task Services_are_one_per_typed_code_each_in_its_own_tables_major_class()
    {
        var json = JsonNode.Parse(await Http.GetStringAsync("/open311/v2/services.json"))!.AsArray();

        Assert.Equal("事件·突发事件", (string?)json.Single(s => (string?)s!["service_code"] == "0406")!["group"]);
        Assert.Equal("事件·突发事件", (string?)json.Single(s => (string?)s!["service_code"] == "0401")!["group"]);
        Assert.Equal("路面塌陷", (string?)json.Single(s => (string?)s!["service_code"] == "0401")!["service_name"]);
        Assert.Equal("部件·公用设施", (string?)json.Single(s => (string?)s!["service_code"] == "0102")!["group"]);
        Assert.DoesNotContain(json, s => ((string?)s!["group"])?.Contains("园林绿化", StringComparison.Ordinal) == true && ((string?)s!["service_code"])!.StartsWith("0406", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hand_filed_0401_is_road_collapse_in_the_api_and_in_open311()
    {
        using var response = await Http.PostAsJsonAsync("/api/v1/cases", new { code = "0401", title = "路面塌陷 2 m²", severity = "orange", lat = 35.305, lon = 113.905, source = "hotline", by = "12345" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var filed = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("路面塌陷", "event", "hotline"), ((string?)filed["category"], (string?)filed["codeType"], (string?)filed["source"]));

        var request = await JsonRequest((string)filed["id"]!);
        Assert.Equal(("0401", "路面塌陷"), ((string?)request["service_code"], (string?)request["service_name"]));

        using var unknown = await Http.PostAsJsonAsync("/api/v1/cases", new { code = "0499", title = "?", codeType = "event" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("\"code\"", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_filter_by_code_status_dates_and_id_list()
    {
        var manhole = await FiledCase("0102");
        var lamp = await FiledCase("0118");
        var cancelled = await FiledCase("0118");
        await DispatchCity.ActAsync(Http, cancelled, "cancel");

        async Task<List<string>> Ids(string query) =>
            [.. JsonNode.Parse(await Http.GetStringAsync("/open311/v2/requests.json?" + query))!.AsArray().Select(r => (string)r!["service_request_id"]!)];

        var lamps = await Ids("service_code=0118");
        Assert.Contains(lamp, lamps);
        Assert.Contains(cancelled, lamps);
        Assert.DoesNotContain(manhole, lamps);

        var closed = await Ids("service_code=0118&status=closed");
        Assert.Contains(cancelled, closed);
        Assert.DoesNotContain(lamp, closed);

        Assert.Equal([manhole, cancelled], await Ids($"service_request_id={manhole},{cancelled}"));

        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"));
        var later = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(2).ToString("O"));
        Assert.Empty(await Ids($"start_date={future}&end_date={later}"));
        var past = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"));
        Assert.Contains(manhole, await Ids($"start_date={past}"));

        var xml = XDocument.Parse(await Http.GetStringAsync($"/open311/v2/requests.xml?service_request_id={lamp}")).Root!;
        Assert.Equal(lamp, Assert.Single(xml.Elements("request")).Element("service_request_id")!.Value);
    }

    [Fact]
    public async Task Unknown_request_answers_404_in_the_asked_shape()
    {
        using var json = await Http.GetAsync("/open311/v2/requests/no-such-case.json");
        Assert.Equal(HttpStatusCode.NotFound, json.StatusCode);
        Assert.Equal(404, (int?)JsonNode.Parse(await json.Content.ReadAsStringAsync())!.AsArray()[0]!["code"]);

        using var xml = await Http.GetAsync("/open311/v2/requests/no-such-case.xml");
        Assert.Equal(HttpStatusCode.NotFound, xml.StatusCode);
        Assert.Equal("404", XDocument.Parse(await xml.Content.ReadAsStringAsync()).Root!.Element("error")!.Element("code")!.Value);
    }
}
