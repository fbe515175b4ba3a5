using System.Globalization;
using System.Diagnostics;
using CityOps.Api.Demo;
using CityOps.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CityOps.Tests.OperatorConsole;

/// <summary>
/// What a newcomer sees after <c>--demo</c>: the console opens without a key (none configured, loopback), draws all
/// 518 devices (500 and the 18 lifeline devices) on the 240 unit grids, and the first cases (the tilted cover, the speeding truck) colour their
/// devices and fill the lists within a minute or so of demo time (played at five times real time here, <c>CityOps:Demo:Speed</c>); then the storm's incident (outlined on the map, its members on the
/// desk's incidents tab, one case marked as the incident's) and the dead lamp cabinet's case marked as a root cause. Its
/// screenshots are the ones docs/console.md shows.
/// </summary>
public sealed class DemoCityConsoleTests(ITestOutputHelper output)
{
    // The demo played five times as fast (CityOps:Demo:Speed): the scenario's first two minutes in some 25 s.
    private const int Speed = 5;

    // Every device of samples/devices.csv (one line each after the header), and the gauges of the catchment the storm floods.
    private static readonly string[][] DemoRows = [.. File.ReadLines(Path.Combine(RepoPaths.Root, "samples", "devices.csv")).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','))];
    private static readonly int DemoDevices = DemoRows.Length;
    private static readonly Scenario Plan = Scenario.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "scenario.json")));
    private static readonly string[] FloodedGauges = [.. DemoRows.Where(f => f[1] == "waterlog" && f[6] == $"catchment={Plan.Storm.Catchment}").Select(f => f[0])];

    [Fact]
    public async Task Demo_city_opens_on_all_its_devices_then_its_first_cases_its_storm_incident_and_its_root_cause_arrive_live()
    {
        using var data = new TempFolder("console-demo");
        await using var app = new CityOpsProcess(data.Path, new Dictionary<string, string>
        {
            ["CityOps:Mqtt:EmbeddedPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["CityOps:Demo:Speed"] = Speed.ToString(CultureInfo.InvariantCulture),
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
        var drawn = watch.Elapsed;
        output.WriteLine($"{DemoDevices} devices drawn {drawn.TotalSeconds:F1} s after navigation");
        Assert.Equal(DemoDevices, await console.Page.Locator("path.device-marker").CountAsync());
        var load = await console.LoadReportAsync(drawn, $"the demo's {DemoDevices} devices drawn (no sign-in)");
        output.WriteLine(load);
        await File.WriteAllTextAsync(Path.Combine(ConsoleBrowser.ArtifactsFolder(), "demo-load.txt"), load + "\n");

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

        // The storm's incident: outlined on the map around the flooded catchment, live.
        await console.Page.WaitForSelectorAsync("path.incident-outline", new PageWaitForSelectorOptions { Timeout = 150_000 });
        output.WriteLine($"the storm's incident outlined {watch.Elapsed.TotalSeconds:F1} s after navigation");
        await console.ScreenshotAsync("demo-map");

        // The desk's incidents tab: the incident with every flooded gauge among its members and the one case they share.
        await console.Page.EvaluateAsync("() => { location.hash = '#alarms/incidents'; }");
        var row = console.Page.Locator("tr.incident-row[data-open=true]");
        await row.WaitForAsync();
        Assert.Equal(1, await row.CountAsync());
        await console.Page.WaitForFunctionAsync(
            "ids => { const shown = new Set([...document.querySelectorAll('tr.incident-row ul.members a')].map(a => a.textContent)); return ids.every(id => shown.has(id)); }",
            FloodedGauges);
        var members = await row.Locator("ul.members a").AllInnerTextsAsync();
        Assert.Superset(FloodedGauges.ToHashSet(), members.ToHashSet());
        Assert.Contains(Plan.Storm.Catchment!, await row.InnerTextAsync());
        var incidentCase = await row.Locator("a[href^='#cases/']").GetAttributeAsync("href");
        await console.ScreenshotAsync("demo-incidents");

        // The cases: the incident's marked as one case for its alarms, the dead cabinet's as a root cause; the incident's case opened.
        await console.Page.EvaluateAsync("() => { location.hash = '#cases'; }");
        await console.Page.WaitForSelectorAsync(".case-row .badge[data-kind=incident]");
        await console.Page.WaitForSelectorAsync($".case-row[data-device=\"{Plan.Incidents.Single(i => i.Type == IncidentType.PowerLoss).Device}\"] .badge[data-kind=root-cause]",
            new PageWaitForSelectorOptions { Timeout = 150_000 });
        output.WriteLine($"the cabinet's case marked as a root cause {watch.Elapsed.TotalSeconds:F1} s after navigation");
        Assert.Equal(1, await console.Page.Locator(".case-row .badge[data-kind=incident]").CountAsync());
        await console.Page.EvaluateAsync("href => { location.hash = href; }", incidentCase);
        await console.Page.WaitForSelectorAsync("#case-kind[data-kind=incident]");
        await console.ScreenshotAsync("demo-cases");

        await console.Page.EvaluateAsync("() => { location.hash = '#screen'; }");
        await console.Page.WaitForSelectorAsync("#open-cases");
        await console.Page.WaitForFunctionAsync("() => document.querySelector('#open-cases b').textContent !== '0'");
        await console.ScreenshotAsync("demo-screen");
        console.AssertSameOrigin();
    }
}
