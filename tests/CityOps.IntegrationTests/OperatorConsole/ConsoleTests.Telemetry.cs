using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CityOps.Tests.OperatorConsole;

/// <summary>
/// A device's last 24 h: <c>GET /api/v1/devices/{id}/telemetry</c> reads what the real influxd stored, in time buckets
/// (min, max, mean, count), and the device panel draws it as one small chart per metric.
/// </summary>
public sealed partial class ConsoleTests
{
    [Fact]
    public async Task A_device_s_last_24_hours_are_read_from_influxdb_in_buckets_and_drawn_in_its_panel()
    {
        // A minute into 5-minute buckets (they start on round times): the two readings of two hours ago share one.
        var now = DateTimeOffset.UtcNow;
        var round = new DateTimeOffset(now.Ticks / TimeSpan.TicksPerMinute / 5 * 5 * TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(1);
        await city.StoreAsync("waterlog", "WL-C-1", "410702001001001", "depth_cm",
            (round.AddHours(-30), 99), (round.AddHours(-3), 4), (round.AddHours(-2), 10), (round.AddHours(-2).AddSeconds(30), 14), (round.AddHours(-1), 6));
        await city.StoreAsync("waterlog", "WL-C-1", "410702001001001", "battery_pct", (round.AddHours(-2), 87));

        var answer = (await city.App.Http.GetFromJsonAsync<JsonObject>("/api/v1/devices/WL-C-1/telemetry?metric=depth_cm&hours=24"))!;
        Assert.Equal("waterlog", (string?)answer["kind"]);
        Assert.Equal(300, (int)answer["stepSeconds"]!);
        var series = Assert.Single(answer["series"]!.AsArray());
        Assert.Equal("depth_cm", (string?)series!["metric"]);
        // The 30 h old reading is out. Readings that came over MQTT in other tests (WL-C-1 at 55 cm, just now) may add a last bucket.
        var points = series["points"]!.AsArray().Select(p => ((double)p!["min"]!, (double)p["max"]!, (double)p["mean"]!, (int)p["count"]!)).ToList();
        Assert.Equal([(4, 4, 4, 1), (10, 14, 12, 2), (6, 6, 6, 1)], points.Take(3));
        Assert.DoesNotContain(points, p => p.Item2 == 99);

        var all = (await city.App.Http.GetFromJsonAsync<JsonObject>("/api/v1/devices/WL-C-1/telemetry"))!;
        Assert.Equal(["battery_pct", "depth_cm"], all["series"]!.AsArray().Select(s => (string?)s!["metric"]));

        // Bad input names its field; an unknown device is 404.
        foreach (var (query, field) in new[] { ("hours=0", "hours"), ("hours=169", "hours"), ("metric=depth%20cm", "metric"), ("hours=a", "hours") })
        {
            using var bad = await city.App.Http.GetAsync("/api/v1/devices/WL-C-1/telemetry?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains(field, await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var unknown = await city.App.Http.GetAsync("/api/v1/devices/NO-SUCH-1/telemetry"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        // The panel: one chart per metric, the depth with its three buckets (or four, with the live reading).
        await using var console = await city.OpenAsync(ConsoleCity.ViewerKey, "#map/WL-C-1");
        var depth = console.Page.Locator("#device-panel[data-device=\"WL-C-1\"] svg.sparkline[data-metric=depth_cm]");
        await depth.WaitForAsync();
        Assert.True(int.Parse((await depth.GetAttributeAsync("data-points"))!, CultureInfo.InvariantCulture) >= 3);
        Assert.Equal(1, await console.Page.Locator("#device-panel svg.sparkline[data-metric=battery_pct]").CountAsync());
        Assert.Equal("true", await console.Page.GetAttributeAsync("#device-telemetry", "data-stored"));
        await console.ScreenshotAsync("map-telemetry");
        console.AssertSameOrigin();
    }
}
