using System.Diagnostics;
using System.Globalization;
using CityOps.Grains;
using CityOps.Ingest.Influx;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityOps.Benchmarks;

/// <summary>
/// Write throughput of CityOps' InfluxDB writer into a running InfluxDB:
/// <c>dotnet run -c Release --project bench/CityOps.Benchmarks -- influx-throughput http://127.0.0.1:8086 [points] [devices] [shared-ts]</c>.
/// Writes gauge readings (two metrics, tags device/grid/unit) in rounds of 2,000 as the dispatcher does,
/// waits until InfluxDB has every point, and reads the count back. With <c>shared-ts</c> every reading of a device
/// carries the same timestamp (a stuck device clock), which must still store every reading.
/// </summary>
public static class InfluxThroughput
{
    public static async Task<int> RunAsync(string[] args)
    {
        var url = args.Length > 1 ? args[1] : "http://127.0.0.1:8086";
        var points = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000_000;
        var devices = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 10_000;
        var sharedTs = args.Length > 4 && args[4] == "shared-ts";
        var database = "bench" + DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        var spill = Path.Combine(Path.GetTempPath(), "cityops-bench-spill-" + Guid.NewGuid().ToString("N"));
        var writer = new InfluxWriter(new InfluxOptions { Url = url, Database = database }, spill, NullLogger<InfluxWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);

        var start = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds();
        var lines = new LineBuilder(1 << 20);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < points; i++)
        {
            var device = i % devices;
            var reading = new Reading("WL-" + device, "waterlog", sharedTs ? start : start + (i / devices * 1000L), i / devices,
                [new Metric("depth_cm", i % 600 / 10.0), new Metric("battery_pct", 80)]);
            TelemetryLines.AppendReading(lines, new TelemetryPoint(reading, "410702001" + (device % 240).ToString("D6", CultureInfo.InvariantCulture), "unit-" + (device % 12)));
            if (lines.Lines == 2_000)
            {
                await writer.WriteAsync(lines.Take());
            }
        }

        await writer.WriteAsync(lines.Take());
        await writer.WhenDurable();
        var elapsed = clock.Elapsed;
        await writer.StopAsync(CancellationToken.None);
        writer.Dispose();
        Directory.Delete(spill, recursive: true);

        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var count = await http.GetStringAsync($"/query?db={database}&q=" + Uri.EscapeDataString("SELECT count(depth_cm) FROM waterlog"));
        Console.WriteLine($"{points:N0} points ({devices:N0} devices) written in {elapsed.TotalSeconds:0.0} s: {points / elapsed.TotalSeconds:N0} points/s; " +
            $"requests {InfluxMetrics.Requests.Value:N0}, failures {InfluxMetrics.WriteFailures.Value:N0}, spilled {InfluxMetrics.PointsSpilled.Value:N0}");
        Console.WriteLine($"cityops_influx_points_written_total {InfluxMetrics.PointsWritten.Value:N0}; InfluxDB count: " + count);
        return 0;
    }
}
