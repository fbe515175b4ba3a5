using System.Globalization;
using System.Text.Json;
using CityOps.Ingest.Influx;
using CityOps.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityOps.Tests.Telemetry;

/// <summary>
/// InfluxDB 2.x/3.x targets (<c>CityOps:Influx:Bucket</c> set), written through InfluxDB.Client and read with its Flux
/// query API. No 2.x/3.x server installs here (Debian's influxd 1.6 has no <c>/api/v2</c>), so these run against
/// <see cref="InfluxV2Recorder"/>: they check the requests the client sends and how CityOps takes 2.x's answers,
/// not what a real 2.x server stores.
/// </summary>
public sealed class InfluxV2ApiTests : IAsyncLifetime
{
    private const long Ts = 1_784_535_300_000;

    private readonly TempFolder _spill = new("spill-v2");
    private InfluxV2Recorder _server = null!;

    public async Task InitializeAsync() => _server = await InfluxV2Recorder.StartAsync();

    [Fact]
    public async Task Writes_go_through_InfluxDB_Client_to_api_v2_write_with_org_bucket_ns_precision_token_and_gzip()
    {
        var (writtenBefore, droppedBefore) = (InfluxMetrics.PointsWritten.Value, InfluxMetrics.PointsDropped.Value);
        var lines = new LineBuilder();
        for (var i = 0; i < 200; i++)
        {
            lines.Measurement("manhole").Tag("device", "MH-" + (i % 20)).Field("tilt_deg", i * 0.5).End(Ts, i / 20);
        }

        lines.Measurement("manhole").Tag("device", "MH-bad").Field("bad", "text").End(Ts + 999);
        var sent = lines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        await using (var writer = await StartAsync(o => o.Retries = 0))
        {
            await writer.WriteAsync(lines.Take());
            await writer.WhenDurable().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, writer.SpilledLines);
        }

        var requests = _server.Received;
        Assert.All(requests, r =>
        {
            Assert.Equal(("POST", "/api/v2/write"), (r.Method, r.Path));
            Assert.Equal("city ops", r.Query["org"]);
            Assert.Equal("telemetry/raw", r.Query["bucket"]);
            Assert.Equal("ns", r.Query["precision"]);
            Assert.Equal("Token s3cret", r.Authorization);
            Assert.Equal("gzip", r.ContentEncoding);
            Assert.StartsWith("influxdb-client-csharp/5.1", r.UserAgent, StringComparison.Ordinal);
        });

        // The first request carries the batch as CityOps encoded it; the refused line is found by halving and dropped alone.
        Assert.Equal(sent, requests[0].Lines);
        Assert.Equal(422, requests[0].Status);
        Assert.Equal(sent[..200], _server.StoredLines.Distinct());
        Assert.Contains("manhole,device=MH-3 tilt_deg=1.5 1784535300000000000", sent);
        Assert.Equal(200, InfluxMetrics.PointsWritten.Value - writtenBefore);
        Assert.Equal(1, InfluxMetrics.PointsDropped.Value - droppedBefore);
    }

    [Fact]
    public async Task A_429_and_then_a_503_are_retried_and_the_batch_is_counted_once_when_stored()
    {
        var (writtenBefore, failuresBefore) = (InfluxMetrics.PointsWritten.Value, InfluxMetrics.WriteFailures.Value);
        _server.Script(429, 503);
        await using (var writer = await StartAsync(o => o.Retries = 2))
        {
            await writer.WriteAsync(Depths(0, 50));
            await writer.WhenDurable().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, writer.SpilledLines);
            Assert.Equal(TelemetryStatus.Ok, writer.Status);
        }

        var requests = _server.Received;
        Assert.Equal([429, 503, 204], requests.Select(r => r.Status));
        Assert.Single(requests.Select(r => r.Body).Distinct());
        Assert.Equal(50, _server.StoredLines.Count());
        Assert.Equal(50, InfluxMetrics.PointsWritten.Value - writtenBefore);
        Assert.Equal(2, InfluxMetrics.WriteFailures.Value - failuresBefore);
    }

    [Fact]
    public async Task While_the_server_answers_503_batches_are_durable_in_the_spill_folder_and_replayed_in_order()
    {
        _server.WriteStatus = 503;
        await using var writer = await StartAsync(o => o.Retries = 0);
        var sent = new List<string>();
        for (var round = 0; round < 3; round++)
        {
            var chunk = Depths(round * 100, (round + 1) * 100);
            sent.AddRange(System.Text.Encoding.UTF8.GetString(chunk.Bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            await writer.WriteAsync(chunk);
        }

        // Durable while the server refuses: on disk, nothing stored yet.
        await writer.WhenDurable().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(TelemetryStatus.Spilling, writer.Status);
        Assert.Equal(300, writer.SpilledLines);
        Assert.Empty(_server.StoredLines);
        Assert.NotEmpty(Directory.GetFiles(_spill.Path, "spill-*.ns.lp"));

        _server.WriteStatus = 204;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (writer.SpilledLines > 0 || writer.Status != TelemetryStatus.Ok)
        {
            Assert.True(DateTime.UtcNow < deadline, $"spill not replayed: {writer.SpilledLines} lines left");
            await Task.Delay(50);
        }

        Assert.Equal(sent, _server.StoredLines);
        Assert.Empty(Directory.GetFiles(_spill.Path, "spill-*.lp"));
    }

    [Fact]
    public async Task Backtest_reads_a_2x_bucket_with_the_InfluxDB_Client_Flux_query_one_reading_per_point()
    {
        // As InfluxDB 2.x answers the pivoted query: two readings of WL-1 in one millisecond, one of WL-2 without a position.
        _server.QueryAnswer = """
            #datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339Nano,string,string,string,string,double,double,double,double
            #group,false,false,true,true,false,true,true,true,true,false,false,false,false
            #default,_result,,,,,,,,,,,,
            ,result,table,_start,_stop,_time,_measurement,device,grid,unit,battery_pct,depth_cm,lat,lon
            ,,0,2026-07-20T00:00:00Z,2026-07-21T00:00:00Z,2026-07-20T08:15:00.000000041Z,waterlog,WL-1,410702001001001,water-east,80,23.5,35.3031,113.9264
            ,,0,2026-07-20T00:00:00Z,2026-07-21T00:00:00Z,2026-07-20T08:15:00.000000042Z,waterlog,WL-1,410702001001001,water-east,80,31,35.3031,113.9264

            #datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339Nano,string,string,double
            #group,false,false,true,true,false,true,true,false
            #default,_result,,,,,,,
            ,result,table,_start,_stop,_time,_measurement,device,depth_cm
            ,,1,2026-07-20T00:00:00Z,2026-07-21T00:00:00Z,2026-07-20T09:00:00.5Z,waterlog,WL-2,12

            """.Replace("\n", "\r\n", StringComparison.Ordinal);
        var (from, to) = (DateTimeOffset.Parse("2026-07-20T00:00:00Z", CultureInfo.InvariantCulture), DateTimeOffset.Parse("2026-07-21T00:00:00Z", CultureInfo.InvariantCulture));
        using var reader = new InfluxReader(Options());
        var readings = new List<CityOps.Grains.Reading>();
        await foreach (var reading in reader.ReadAsync("waterlog", from, to, ["WL-1", "WL-2"], CancellationToken.None))
        {
            readings.Add(reading);
        }

        var request = Assert.Single(_server.Received);
        Assert.Equal(("POST", "/api/v2/query", "city ops", "Token s3cret"), (request.Method, request.Path, request.Query["org"], request.Authorization));
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(FluxReader.Query("telemetry/raw", "waterlog", from, to, ["WL-1", "WL-2"]), body.RootElement.GetProperty("query").GetString());
        Assert.Equal("""
            from(bucket: "telemetry/raw")
              |> range(start: 2026-07-20T00:00:00.0000000Z, stop: 2026-07-21T00:00:00.0000000Z)
              |> filter(fn: (r) => r._measurement == "waterlog")
              |> filter(fn: (r) => r.device == "WL-1" or r.device == "WL-2")
              |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
            """, body.RootElement.GetProperty("query").GetString());

        Assert.Equal(3, readings.Count);
        Assert.Equal([Ts, Ts, Ts + 2_700_500], readings.Select(r => r.TimestampMs));
        Assert.Equal(["WL-1", "WL-1", "WL-2"], readings.Select(r => r.DeviceId));
        Assert.Equal([("battery_pct", 80.0), ("depth_cm", 31.0)], readings[1].Metrics.Select(m => (m.Name, m.Value)));
        Assert.Equal((35.3031, 113.9264), (readings[0].Lat, readings[0].Lon));
        Assert.Equal([("depth_cm", 12.0)], readings[2].Metrics.Select(m => (m.Name, m.Value)));
        Assert.Null(readings[2].Lat);
    }

    [Fact]
    public async Task A_query_InfluxDB_2x_refuses_reaches_the_backtest_with_its_reason()
    {
        _server.QueryStatus = 400;
        _server.QueryAnswer = "error @3:6-3:42: undefined identifier r";
        using var reader = new InfluxReader(Options());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in reader.ReadAsync("waterlog", DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow, null, CancellationToken.None))
            {
            }
        });
        Assert.Contains("undefined identifier r", error.Message, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _spill.Dispose();
    }

    private static LineChunk Depths(int from, int to)
    {
        var lines = new LineBuilder();
        for (var i = from; i < to; i++)
        {
            lines.Measurement("waterlog").Tag("device", "WL-" + (i % 7)).Field("depth_cm", (double)i).End(Ts + i);
        }

        return lines.Take();
    }

    private InfluxOptions Options() => new()
    {
        Url = _server.Url, Org = "city ops", Bucket = "telemetry/raw", Token = "s3cret", Timeout = TimeSpan.FromSeconds(5),
    };

    private async Task<Harness> StartAsync(Action<InfluxOptions> configure)
    {
        var options = Options();
        configure(options);
        var writer = new InfluxWriter(options, _spill.Path, NullLogger<InfluxWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        return new Harness(writer);
    }

    /// <summary>A started writer, stopped as the host stops it.</summary>
    private sealed class Harness(InfluxWriter writer) : IAsyncDisposable
    {
        public long SpilledLines => writer.SpilledLines;

        public TelemetryStatus Status => writer.Status;

        public ValueTask WriteAsync(LineChunk lines) => writer.WriteAsync(lines);

        public Task WhenDurable() => writer.WhenDurable();

        public async ValueTask DisposeAsync()
        {
            await writer.StopAsync(CancellationToken.None);
            writer.Dispose();
        }
    }
}
