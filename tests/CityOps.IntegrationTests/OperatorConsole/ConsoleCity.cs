using System.Globalization;
using System.Diagnostics;
using System.Text;
using CityOps.Tests.Infrastructure;
using CityOps.Tests.Integration;
using Microsoft.Playwright;

namespace CityOps.Tests.OperatorConsole;

/// <summary>
/// One CityOps process for the console tests: the test city (two unit grids, a geofence, a handful of devices)
/// on the embedded broker, storing telemetry in a real influxd, an API key per role, and one chromium. Readings
/// go in with <c>mosquitto_pub</c>, as a device would send them; past telemetry straight into InfluxDB.
/// </summary>
public sealed class ConsoleCity : IAsyncLifetime
{
    public const string ViewerKey = "console-viewer-key-0123456789";
    public const string EngineerKey = "console-engineer-key-0123456789";
    public const string DispatcherKey = "console-dispatcher-key-0123456789";
    public const string AdminKey = "console-admin-key-0123456789";

    public const string Devices = """
        id,kind,name,lat,lon,code
        WL-C-1,waterlog,胜利街下穿隧道,35.3052,113.9051,
        WL-C-2,waterlog,人民路积水点,35.3047,113.9152,
        MH-C-1,manhole,胜利街井盖1,35.3021,113.9032,0101
        MH-C-2,manhole,胜利街井盖2,35.3071,113.9071,0101
        MH-C-3,manhole,人民路井盖,35.3031,113.9171,0101
        MH-C-4,manhole,人民路井盖2,35.3081,113.9181,0101
        VH-C-1,vehicle,渣土车 豫G·C0001,35.3041,113.9101,
        """;

    public const int DeviceCount = 7;

    /// <summary>
    /// Methane in a cover: an alarm that waits for a monitor on the alarm desk (file: confirm); a cover's low battery:
    /// device upkeep (maintenance: true), never a case.
    /// </summary>
    public const string ConfirmRule = """

          - id: manhole-gas
            kind: manhole
            metric: gas_ch4_lel
            levels: [ { severity: yellow, above: 25 } ]
            case: { file: confirm, code: "0111", title: "井内甲烷 {value}% LEL" }
          - id: manhole-battery-low
            kind: manhole
            maintenance: true
            metric: battery_pct
            levels: [ { severity: blue, below: 20 } ]
        """;

    private const string Fence = """
        ,{"type":"Feature","properties":{"id":"muck-routes","type":"geofence","name":"渣土车线路"},
          "geometry":{"type":"Polygon","coordinates":[[[113.903,35.3035],[113.917,35.3035],[113.917,35.3045],[113.903,35.3045],[113.903,35.3035]]]}}
        ]}
        """;

    private readonly TempFolder _folder = new("console");

    public CityOpsProcess App { get; private set; } = null!;

    public int BrokerPort { get; } = FreePort.Next();

    public InfluxDb Influx { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string Origin => App.Http.BaseAddress!.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        var rules = _folder.Combine("rules");
        Directory.CreateDirectory(rules);
        await File.WriteAllTextAsync(Path.Combine(rules, "test.yaml"), TestCity.Rules + ConfirmRule);
        Influx = await InfluxDb.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["CityOps:Influx:Url"] = Influx.Url,
            ["CityOps:Rules:Path"] = rules,
            ["CityOps:Mqtt:EmbeddedPort"] = BrokerPort.ToString(CultureInfo.InvariantCulture),
        };
        var index = 0;
        foreach (var (key, role) in new[] { (ViewerKey, "viewer"), (EngineerKey, "engineer"), (DispatcherKey, "dispatcher"), (AdminKey, "admin") })
        {
            settings[$"CityOps:Auth:ApiKeys:{index}:Key"] = key;
            settings[$"CityOps:Auth:ApiKeys:{index}:Role"] = role;
            settings[$"CityOps:Auth:ApiKeys:{index}:Name"] = role + "-on-duty";
            index++;
        }

        App = new CityOpsProcess(_folder.Combine("data"), settings);
        await App.StartAsync(TimeSpan.FromSeconds(180));
        App.Http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        var zones = TestCity.Zones.TrimEnd()[..TestCity.Zones.TrimEnd().LastIndexOf(']')] + Fence;
        using (var put = await App.Http.PutAsync("/api/v1/zones", new StringContent(zones, Encoding.UTF8, "application/geo+json")))
        {
            put.EnsureSuccessStatusCode();
        }

        using (var import = await App.Http.PostAsync("/api/v1/devices/import", new StringContent(Devices.Replace("\r", ""), Encoding.UTF8, "text/csv")))
        {
            import.EnsureSuccessStatusCode();
        }

        (Playwright, Browser) = await ConsoleBrowser.LaunchAsync();
    }

    /// <summary>A fresh browser context (own session storage) on the console, signed in with <paramref name="key"/>.</summary>
    public async Task<ConsolePage> OpenAsync(string key, string hash = "")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 }, Locale = "zh-CN" });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var console = new ConsolePage(context, page, Origin);
        await page.GotoAsync(Origin + "/" + hash);
        await page.Locator("#signin-key").FillAsync(key);
        await page.Locator("#signin-form button[type=submit]").ClickAsync();
        await page.WaitForSelectorAsync("body[data-ready=true]");
        return console;
    }

    /// <summary>
    /// Past readings written straight into InfluxDB as CityOps stores them (docs/telemetry.md: measurement = kind, tags
    /// device and grid, a field per metric), for backtests and sparklines over days nobody can wait for.
    /// </summary>
    public async Task StoreAsync(string kind, string device, string grid, string metric, params (DateTimeOffset At, double Value)[] readings)
    {
        await Influx.QueryAsync("cityops", "CREATE DATABASE cityops");
        var lines = string.Join('\n', readings.Select(r => string.Create(CultureInfo.InvariantCulture, $"{kind},device={device},grid={grid} {metric}={r.Value} {r.At.ToUnixTimeMilliseconds()}")));
        using var write = await Influx.Http.PostAsync("/write?db=cityops&precision=ms", new StringContent(lines, Encoding.UTF8, "text/plain"));
        Assert.True(write.IsSuccessStatusCode, await write.Content.ReadAsStringAsync());
    }

    /// <summary>One reading through the embedded broker, QoS 1, with the Debian MQTT client.</summary>
    public async Task PublishAsync(string kind, string device, string metric, double value)
    {
        var payload = Integration.Devices.Reading(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), metric, value);
        var start = new ProcessStartInfo("mosquitto_pub") { RedirectStandardError = true, UseShellExecute = false };
        // A client id of its own, as a device has: the embedded broker refuses an MQTT 3.1.1 client without one.
        foreach (var argument in new[] { "-h", "127.0.0.1", "-p", BrokerPort.ToString(CultureInfo.InvariantCulture), "-i", "console-test-" + device, "-q", "1", "-t", $"city/{kind}/{device}/telemetry", "-m", payload })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("mosquitto_pub did not start");
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"mosquitto_pub: {error}");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        Playwright?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Influx is not null)
        {
            await Influx.DisposeAsync();
        }

        _folder.Dispose();
    }
}
