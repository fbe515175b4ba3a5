using System.Globalization;
using System.Diagnostics;
using CityOps.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CityOps.Tests.OperatorConsole;

/// <summary>
/// What a newcomer sees after <c>--demo</c>: the console opens without a key (none configured, loopback), draws all
/// 518 devices (500 and the 18 lifeline devices) on the 240 unit grids, and the first cases (the tilted cover, the speeding truck) colour their
/// devices and fill the lists within a minute or so, live. Its screenshots are the ones docs/console.md shows.
/// </summary>
public sealed class DemoCityConsoleTests(ITestOutputHelper output)
{
    // Every device of samples/devices.csv (one line each after the header).
    private static readonly int DemoDevices = File.ReadLines(Path.Combine(RepoPaths.Root, "samples", "devices.csv")).Skip(1).Count(l => l.Length > 0);

    [Fact]
    public async Task Demo_city_opens_on_all_its_devices_and_its_first_cases_arrive_live()
    {
        using var data = new TempFolder("console-demo");
        await using var app = new CityOpsProcess(data.Path, new Dictionary<string, string>
        {
            ["CityOps:Mqtt:EmbeddedPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        }, "--demo");
        await app.StartAsync(TimeSpan.FromSeconds(180));
        var (playwright, browser) = await ConsoleBrowser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 900 }, Locale = "zh-CN" });
        context.SetDefaultTimeout(60_000);
        var origin = app.Http.BaseAddress!.ToString().TrimEnd('/');
        await using var console = new ConsolePage(context, await context.NewPageAsync(), origin);

        var watch = Stopwatch.StartNew();
        await console.Page.GotoAsync(origin + "/");
        await console.Page.WaitForSelectorAsync($"#view-map[data-devices=\"{DemoDevices}\"]");
        output.WriteLine($"{DemoDevices} devices drawn {watch.Elapsed.TotalSeconds:F1} s after navigation");
        Assert.Equal(DemoDevices, await console.Page.Locator("path.device-marker").CountAsync());

        // The first alarms with cases (yellow and up) turn their devices' dots, without a reload.
        await console.Page.WaitForSelectorAsync("path.device-marker[data-device=\"MH-0042\"]:not([data-state=ok]):not([data-state=offline])",
            new PageWaitForSelectorOptions { Timeout = 150_000 });
        await console.Page.WaitForSelectorAsync("path.device-marker[data-device=\"VH-0003\"]:not([data-state=ok]):not([data-state=offline])",
            new PageWaitForSelectorOptions { Timeout = 150_000 });
        output.WriteLine($"first cases on the map {watch.Elapsed.TotalSeconds:F1} s after navigation");
        await console.Page.Locator("path.device-marker[data-device=\"MH-0042\"]").ClickAsync(new LocatorClickOptions { Force = true });
        await console.Page.WaitForSelectorAsync("#device-panel[data-device=\"MH-0042\"] .alarms, #device-panel[data-device=\"MH-0042\"] .device-cases");
        // The demo stores no telemetry (no InfluxDB): the panel says so, the API answers 404 naming the setting.
        await console.Page.WaitForSelectorAsync("#device-panel #device-telemetry[data-stored=false]");
        using (var telemetry = await app.Http.GetAsync("/api/v1/devices/MH-0042/telemetry"))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, telemetry.StatusCode);
            Assert.Contains("CityOps:Influx:Url", await telemetry.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await console.ScreenshotAsync("demo-map");

        await console.Page.EvaluateAsync("() => { location.hash = '#cases'; }");
        await console.Page.WaitForSelectorAsync(".case-row[data-device=\"MH-0042\"]");
        var first = await console.Page.Locator(".case-row[data-device=\"MH-0042\"]").First.GetAttributeAsync("data-case");
        await console.Page.EvaluateAsync("id => { location.hash = '#cases/' + id; }", first);
        await console.Page.WaitForSelectorAsync("#case-status");
        await console.ScreenshotAsync("demo-cases");

        await console.Page.EvaluateAsync("() => { location.hash = '#screen'; }");
        await console.Page.WaitForSelectorAsync("#open-cases");
        await console.Page.WaitForFunctionAsync("() => document.querySelector('#open-cases b').textContent !== '0'");
        await console.ScreenshotAsync("demo-screen");
        console.AssertSameOrigin();
    }
}
