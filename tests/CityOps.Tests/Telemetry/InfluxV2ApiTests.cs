using System.Collections.Concurrent;
using System.IO.Compression;
using CityOps.Ingest.Influx;
using CityOps.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityOps.Tests.Telemetry;

/// <summary>
/// The InfluxDB 2.x/3.x write API (which the Debian influxd 1.6 lacks), against a real HTTP server
/// that answers as InfluxDB 2.x does and keeps what it received.
/// </summary>
public sealed class InfluxV2ApiTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Path, string Query, string? Authorization, string? Encoding, string Body)> _received = new();
    private readonly TempFolder _spill = new("spill-v2");
    private WebApplication _server = null!;
    private string _url = null!;

    public async Task InitializeAsync()
    {
        var port = FreePort.Next();
        _url = $"http://127.0.0.1:{port}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(_url);
        _server = builder.Build();
        _server.MapPost("/api/v2/write", async (HttpRequest request) =>
        {
            Stream body = request.Body;
            if (request.Headers.ContentEncoding == "gzip")
            {
                body = new GZipStream(request.Body, CompressionMode.Decompress);
            }

            using var reader = new StreamReader(body);
            var text = await reader.ReadToEndAsync();
            _received.Enqueue((request.Path, request.QueryString.Value ?? "", request.Headers.Authorization, request.Headers.ContentEncoding, text));
            // InfluxDB 2.x answers 422 for a line it cannot accept, 204 otherwise.
            return text.Contains("bad=\"", StringComparison.Ordinal) ? Results.StatusCode(422) : Results.NoContent();
        });
        await _server.StartAsync();
    }

    [Fact]
    public async Task Bucket_set_writes_to_api_v2_write_with_org_bucket_token_and_gzip()
    {
        var writer = new InfluxWriter(
            new InfluxOptions { Url = _url, Org = "city ops", Bucket = "telemetry/raw", Token = "s3cret", GzipMinBytes = 1024 },
            _spill.Path, NullLogger<InfluxWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        try
        {
            var lines = new LineBuilder();
            for (var i = 0; i < 200; i++)
            {
                lines.Measurement("manhole").Tag("device", "MH-" + i).Field("tilt_deg", i * 0.5).End(1_784_535_300_000 + i);
            }

            lines.Measurement("manhole").Tag("device", "MH-bad").Field("bad", "text").End(1_784_535_300_999);
            await writer.WriteAsync(lines.Take());
            await writer.WhenDurable().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await writer.StopAsync(CancellationToken.None);
            writer.Dispose();
        }

        var requests = _received.ToList();
        Assert.All(requests, r =>
        {
            Assert.Equal("/api/v2/write", r.Path);
            Assert.Equal("?org=city%20ops&bucket=telemetry%2fraw&precision=ns", r.Query);
            Assert.Equal("Token s3cret", r.Authorization);
        });
        Assert.Equal("gzip", requests[0].Encoding);
        var stored = requests.Where(r => !r.Body.Contains("bad=\"", StringComparison.Ordinal))
            .SelectMany(r => r.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Distinct().ToList();
        Assert.Equal(200, stored.Count);
        Assert.Contains("manhole,device=MH-3 tilt_deg=1.5 1784535300003000000", stored);
        Assert.Equal(0, writer.SpilledLines);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _spill.Dispose();
    }
}
