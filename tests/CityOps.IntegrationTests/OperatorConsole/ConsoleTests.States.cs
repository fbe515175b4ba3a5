using System.Net.Http.Json;
using Microsoft.Playwright;

namespace CityOps.Tests.OperatorConsole;

/// <summary>
/// Device states beyond ok, severity and offline: a silenced device's alarm (suppressed) and a device-upkeep alarm
/// (maintenance) have colours of their own on the map, live; the alarm desk filters by kind, zone and unit.
/// </summary>
public sealed partial class ConsoleTests
{
    [Fact]
    public async Task Suppressed_and_upkeep_devices_have_their_own_colours_and_the_desk_filters_by_kind_zone_and_unit()
    {
        using (var silence = await city.App.Http.PostAsJsonAsync("/api/v1/silences", new { deviceId = "MH-C-1", duration = "2h", reason = "井盖更换施工" }))
        {
            silence.EnsureSuccessStatusCode();
        }

        await using var console = await city.OpenAsync(ConsoleCity.DispatcherKey, "#map");
        await console.Page.WaitForSelectorAsync($"#view-map[data-devices=\"{ConsoleCity.DeviceCount}\"]");
        Assert.Equal(["ok", "blue", "yellow", "orange", "red", "suppressed", "maintenance", "offline"],
            await console.Page.Locator("#map-legend .legend-item").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.state)"));

        // Live, without a reload: the silenced cover tilts (its alarm is held), another cover's battery runs low (upkeep).
        await city.PublishAsync("manhole", "MH-C-1", "tilt_deg", 25);
        await city.PublishAsync("manhole", "MH-C-2", "battery_pct", 12);
        await console.Page.WaitForSelectorAsync("path.device-marker[data-device=\"MH-C-1\"][data-state=suppressed]");
        await console.Page.WaitForSelectorAsync("path.device-marker[data-device=\"MH-C-2\"][data-state=maintenance]");
        await console.Page.Mouse.MoveAsync(700, 10);
        await console.ScreenshotAsync("map-states");

        // The desk: by kind, by unit grid, by unit (the grids' units: water-east holds 胜利街, the covers MH-C-1 and MH-C-2).
        await console.Page.EvaluateAsync("() => { location.hash = '#alarms'; }");
        var suppressed = console.Page.Locator("tr.alarm-row[data-device=\"MH-C-1\"]");
        await suppressed.WaitForAsync();
        Assert.Contains("已抑制", await suppressed.InnerTextAsync());
        await console.Page.Locator("#a-kind").SelectOptionAsync("waterlog");
        await suppressed.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        Assert.All(await Devices(), d => Assert.StartsWith("WL-", d, StringComparison.Ordinal));
        await console.Page.Locator("#a-kind").SelectOptionAsync("manhole");
        await suppressed.WaitForAsync();
        await console.Page.Locator("#a-zone").SelectOptionAsync("grid:410702001001002");
        await suppressed.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        Assert.All(await Devices(), d => Assert.Contains(d, new[] { "MH-C-3", "MH-C-4" }));
        await console.Page.Locator("#a-unit").SelectOptionAsync("water-east");
        await console.Page.Locator("#a-zone").SelectOptionAsync("");
        await suppressed.WaitForAsync();
        Assert.All(await Devices(), d => Assert.Contains(d, new[] { "MH-C-1", "MH-C-2" }));

        // The upkeep queue has the battery.
        await console.Page.Locator("#tab-maintenance").ClickAsync();
        await console.Page.Locator("tr.alarm-row[data-device=\"MH-C-2\"][data-disposition=maintenance]").WaitForAsync();
        console.AssertSameOrigin();

        async Task<string[]> Devices() => await console.Page.Locator("tr.alarm-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.device)");
    }
}
