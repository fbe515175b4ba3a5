using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CityOps.Tests.Integration;
using Microsoft.Playwright;

namespace CityOps.Tests.OperatorConsole;

/// <summary>
/// The alarm desk page in a real browser: an alarm that waits for confirmation appears live, and a dispatcher
/// acknowledges it, files it (the case appears in the API), dispatches and handles that case from the page, or
/// dismisses another alarm with a reason; a viewer sees no buttons.
/// </summary>
public sealed class AlarmDeskConsoleTests(ConsoleCity city) : IClassFixture<ConsoleCity>
{
    [Fact]
    public async Task A_waiting_alarm_arrives_live_and_is_acknowledged_filed_or_dismissed_from_the_page()
    {
        await using var console = await city.OpenAsync(ConsoleCity.DispatcherKey, "#alarms");
        await console.Page.WaitForSelectorAsync("#alarm-list");
        await console.Page.EvaluateAsync("() => { window.__sameDocument = true; }");

        await city.PublishAsync("manhole", "MH-C-2", "gas_ch4_lel", 30);
        await city.PublishAsync("manhole", "MH-C-4", "gas_ch4_lel", 35);
        var first = Row("MH-C-2");
        var second = Row("MH-C-4");
        await first.WaitForAsync();
        await second.WaitForAsync();
        Assert.Equal("pending", await first.GetAttributeAsync("data-disposition"));
        var firstId = (await first.GetAttributeAsync("data-alarm"))!;
        var secondId = (await second.GetAttributeAsync("data-alarm"))!;

        await first.Locator("button[data-action=acknowledge]").ClickAsync();
        await console.Page.WaitForSelectorAsync($"tr.alarm-row.acknowledged[data-alarm=\"{firstId}\"]");
        var acknowledged = await AlarmAsync(firstId);
        Assert.True((bool?)acknowledged["acknowledged"]);
        Assert.Equal("dispatcher-on-duty", (string?)acknowledged["acknowledgedBy"]);

        await first.Locator("button[data-action=file]").ClickAsync();
        await console.Page.WaitForSelectorAsync($"tr.alarm-row[data-alarm=\"{firstId}\"][data-disposition=filed]");
        var filed = await AlarmAsync(firstId);
        var caseId = (string?)filed["caseId"];
        Assert.False(string.IsNullOrEmpty(caseId));
        var filedCase = await city.App.Http.GetFromJsonAsync<JsonObject>("/api/v1/cases/" + caseId);
        Assert.Equal("filed", (string?)filedCase!["status"]);

        // On from the desk to the case it became, in the same page: dispatch, then handle.
        await console.Page.Locator($"tr.alarm-row[data-alarm=\"{firstId}\"] td.disposition a").ClickAsync();
        await console.Page.WaitForSelectorAsync("#case-status[data-status=filed]");
        await console.Page.Locator("#action-unit").FillAsync("water-east");
        await console.Page.Locator("button.action[data-action=dispatch]").ClickAsync();
        await console.Page.WaitForSelectorAsync("#case-status[data-status=dispatched]");
        await console.Page.Locator("button.action[data-action=handle]").ClickAsync();
        await console.Page.WaitForSelectorAsync("#case-status[data-status=handled]");
        var handled = (await city.App.Http.GetFromJsonAsync<JsonObject>("/api/v1/cases/" + caseId))!;
        Assert.Equal(("handled", "water-east"), ((string?)handled["status"], (string?)handled["unit"]));
        await console.Page.EvaluateAsync("() => { location.hash = '#alarms'; }");

        // A dismissal needs its reason: without one nothing is sent.
        await second.Locator("button[data-action=dismiss]").ClickAsync();
        Assert.Equal("pending", (string?)(await AlarmAsync(secondId))["disposition"]);
        await console.Page.Locator("#alarm-reason").FillAsync("误报：检测仪校准中");
        await second.Locator("button[data-action=dismiss]").ClickAsync();
        await console.Page.WaitForSelectorAsync($"tr.alarm-row[data-alarm=\"{secondId}\"][data-disposition=dismissed]");
        Assert.Equal("dismissed", (string?)(await AlarmAsync(secondId))["disposition"]);

        Assert.True(await console.Page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
        await console.ScreenshotAsync("alarms");
        console.AssertSameOrigin();

        await using var viewer = await city.OpenAsync(ConsoleCity.ViewerKey, "#alarms");
        await viewer.Page.WaitForSelectorAsync($"tr.alarm-row[data-alarm=\"{firstId}\"]");
        Assert.Equal(0, await viewer.Page.Locator("#alarm-list button.action").CountAsync());

        ILocator Row(string device) => console.Page.Locator($"tr.alarm-row[data-device=\"{device}\"][data-status=active]");
    }

    private async Task<JsonObject> AlarmAsync(string id) =>
        (await city.App.Http.GetFromJsonAsync<JsonObject>("/api/v1/alarms/" + id))!;
}
