using CityOps.Grains;
using CityOps.Ingest.Influx;
using CityOps.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityOps.Tests.Telemetry;

/// <summary>The backtest's InfluxQL reader against a real influxd 1.6.7, on points CityOps wrote.</summary>
[Collection(InfluxMetricsCollection.Name)]
public sealed class InfluxReaderTests(InfluxFixture fixture) : IClassFixture<InfluxFixture>, IDisposable
{
    private const long Ts = 1_784_535_300_000;

    private readonly TempFolder _spill = new("spill-reader");

    [Fact]
    public async Task Readings_that_share_a_millisecond_are_read_back_one_each_at_that_millisecond()
    {
        var db = "r" + Guid.NewGuid().ToString("N")[..12];
        await WriteAsync(new InfluxOptions { Url = fixture.Influx.Url, Database = db },
            new Reading("WL-1", "waterlog", Ts, 1, [new Metric("depth_cm", 10)], 35.3, 113.9),
            new Reading("WL-1", "waterlog", Ts, 2, [new Metric("depth_cm", 20)], 35.3, 113.9),
            new Reading("WL-1", "waterlog", Ts, null, [new Metric("depth_cm", 30)], 35.3, 113.9),
            new Reading("WL-2", "waterlog", Ts + 1, 1, [new Metric("depth_cm", 40)]));

        var readings = await ReadAsync(new InfluxOptions { Url = fixture.Influx.Url, Database = db }, ["WL-1"]);

        Assert.Equal([(Ts, 10.0), (Ts, 20.0), (Ts, 30.0)], readings.Select(r => (r.TimestampMs, r.Metrics.Single().Value)).Order());
        Assert.All(readings, r => Assert.Equal((35.3, 113.9), (r.Lat, r.Lon)));
    }

    [Fact]
    public async Task A_bucket_with_QueryLanguage_influxql_is_read_over_the_v1_compatible_query_with_the_bucket_as_database()
    {
        // InfluxDB 3.x (no Flux) answers InfluxQL on /query with the bucket as database; influxd 1.6 answers the same request.
        var db = "b" + Guid.NewGuid().ToString("N")[..12];
        await WriteAsync(new InfluxOptions { Url = fixture.Influx.Url, Database = db },
            new Reading("MH-1", "manhole", Ts, 5, [new Metric("tilt_deg", 12.5)]));

        var readings = await ReadAsync(
            new InfluxOptions { Url = fixture.Influx.Url, Bucket = db, Token = "ignored-by-1.x", QueryLanguage = InfluxOptions.InfluxQl }, null, "manhole");

        var reading = Assert.Single(readings);
        Assert.Equal(("MH-1", Ts, 12.5), (reading.DeviceId, reading.TimestampMs, reading.Metrics.Single().Value));
    }

    public void Dispose() => _spill.Dispose();

    private async Task WriteAsync(InfluxOptions options, params Reading[] readings)
    {
        var writer = new InfluxWriter(options, _spill.Path, NullLogger<InfluxWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        var lines = new LineBuilder();
        foreach (var reading in readings)
        {
            TelemetryLines.AppendReading(lines, new TelemetryPoint(reading, null, null));
        }

        await writer.WriteAsync(lines.Take());
        await writer.WhenDurable().WaitAsync(TimeSpan.FromSeconds(30));
        await writer.StopAsync(CancellationToken.None);
        writer.Dispose();
    }

    private static async Task<List<Reading>> ReadAsync(InfluxOptions options, IReadOnlyCollection<string>? devices, string kind = "waterlog")
    {
        using var reader = new InfluxReader(options);
        var readings = new List<Reading>();
        await foreach (var reading in reader.ReadAsync(kind, DateTimeOffset.FromUnixTimeMilliseconds(Ts), DateTimeOffset.FromUnixTimeMilliseconds(Ts + 1), devices, CancellationToken.None))
        {
            readings.Add(reading);
        }

        return readings;
    }
}
