using System.Globalization;
using System.Text;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Dashboards;

/// <summary>
/// A small hand-made hour of telemetry in the schema of docs/telemetry.md, with the situations a short
/// demo run cannot show (a cover silent for 40 minutes, a closed case, a gauge outside every grid),
/// written as line protocol into a real influxd so panel queries can be checked for what they mean.
/// </summary>
public sealed class SyntheticTelemetry : IAsyncLifetime
{
    public const string Grid = "410702001001001";
    public const string Unit = "西街街道城市管理中队";

    private readonly StringBuilder _lines = new();

    public InfluxDb Influx { get; private set; } = null!;

    public long Now { get; } = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public async Task InitializeAsync()
    {
        Influx = await InfluxDb.StartAsync();
        await Influx.QueryAsync("", "CREATE DATABASE cityops");

        // Gauges: latest depths 10, 20, 30, 45, 55 cm; WL-A was at 60 cm twenty minutes ago. WL-X stands outside every grid.
        double[] depths = [10, 20, 30, 45, 55];
        for (var i = 0; i < depths.Length; i++)
        {
            var gauge = $"WL-{(char)('A' + i)}";
            Reading("waterlog", gauge, Minutes(20), $"depth_cm={(i == 0 ? 60 : 0)},battery_pct=80,lat=35.30{i},lon=113.93{i}");
            Reading("waterlog", gauge, Minutes(1), $"depth_cm={depths[i]},battery_pct=80,lat=35.30{i},lon=113.93{i}");
        }

        Reading("waterlog", "WL-X", Minutes(1), "depth_cm=5,battery_pct=90,lat=35.4,lon=113.8", inGrid: false);

        // Covers report every minute for an hour; MH-2 fell silent 40 minutes ago; MH-3 is tilted now.
        for (var minute = 60; minute >= 1; minute--)
        {
            Reading("manhole", "MH-1", Minutes(minute), Cover(tilt: 1));
            if (minute > 40)
            {
                Reading("manhole", "MH-2", Minutes(minute), Cover(tilt: 1));
            }

            Reading("manhole", "MH-3", Minutes(minute), Cover(tilt: minute <= 5 ? 25 : 1));
        }

        // Night: three lamps lit, SL-4 has its relay on but draws no current.
        foreach (var lamp in new[] { "SL-1", "SL-2", "SL-3" })
        {
            Reading("streetlight", lamp, Minutes(1), "on=1,current_a=0.42,voltage_v=221,power_w=88");
        }

        Reading("streetlight", "SL-4", Minutes(1), "on=1,current_a=0.01,voltage_v=221,power_w=2");

        Reading("vehicle", "VH-1", Minutes(1), "speed_kmh=75,heading_deg=90,lid_closed=0,lat=35.3,lon=113.93");
        Reading("vehicle", "VH-2", Minutes(1), "speed_kmh=35,heading_deg=90,lid_closed=1,lat=35.3,lon=113.94");

        // WL-A's case was filed and dispatched; WL-B's was filed and closed; VH-1 was caught speeding.
        Case("c-1", "0406", "WL-A", "yellow", "filed", "case.filed", Minutes(10), "道路积水 30 cm");
        Case("c-1", "0406", "WL-A", "red", "dispatched", "case.dispatched", Minutes(5), "道路积水 52 cm");
        Case("c-2", "0406", "WL-B", "blue", "filed", "case.filed", Minutes(12), "道路积水 16 cm");
        Case("c-2", "0406", "WL-B", "blue", "closed", "case.closed", Minutes(2), "道路积水 16 cm");
        Case("c-3", "2102", "VH-1", "yellow", "filed", "case.filed", Minutes(3), "渣土车超速");
        Line($"cases_open,code=0406,unit={Escape(Unit)} open=1i,overdue=0i {Minutes(1)}");
        Line($"cases_open,code=2102,unit={Escape(Unit)} open=1i,overdue=1i {Minutes(1)}");

        // The engine accepted 300 readings every 10 s (30/s) for two minutes; one message was not JSON.
        for (var step = 0; step <= 12; step++)
        {
            var at = Now - ((12 - step) * 10_000L);
            Line($"cityops,node=n1 readings_in={step * 300}i,readings_evaluated={step * 300}i,rejected=1i,points_written={step * 300}i,points_dropped=0i,"
                + $"influx_pending=0i,influx_spilled=0i,channel_depth=0i,cases_raised=3i,webhook_pending=0i,memory_mb=180.5 {at}");
            Line($"cityops_rejected,node=n1,reason=not_json count=1i {at}");
        }

        using var response = await Influx.Http.PostAsync("/write?db=cityops&precision=ms", new StringContent(_lines.ToString(), Encoding.UTF8));
        response.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        if (Influx is not null)
        {
            await Influx.DisposeAsync();
        }
    }

    private static string Cover(double tilt) =>
        string.Create(CultureInfo.InvariantCulture, $"tilt_deg={tilt},open=0,water_gap_cm=150,gas_ch4_lel=1,battery_pct=70,temp_c=21");

    private static string Escape(string tag) => tag.Replace(" ", "\\ ", StringComparison.Ordinal).Replace(",", "\\,", StringComparison.Ordinal);

    private long Minutes(int ago) => Now - (ago * 60_000L);

    private void Reading(string kind, string device, long at, string fields, bool inGrid = true) =>
        Line(inGrid ? $"{kind},device={device},grid={Grid},unit={Escape(Unit)} {fields} {at}" : $"{kind},device={device} {fields} {at}");

    private void Case(string id, string code, string device, string severity, string status, string @event, long at, string title) =>
        Line($"cases,code={code},device={device},severity={severity},status={status},unit={Escape(Unit)} "
            + $"id=\"{id}\",event=\"{@event}\",value=30,peak=52,title=\"{title}\",grid=\"{Grid}\",alarm_active=true {at}");

    private void Line(string line) => _lines.Append(line).Append('\n');
}
