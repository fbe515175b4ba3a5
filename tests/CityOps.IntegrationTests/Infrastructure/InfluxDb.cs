using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CityOps.Tests.Infrastructure;

/// <summary>A real InfluxDB 1.x (<c>influxd</c> from the Debian package) on free loopback ports, with its meta, data and WAL in a temp folder.</summary>
public sealed class InfluxDb : ExternalServer
{
    private readonly int _rpcPort = FreePort.Next();

    private InfluxDb()
        : base("influxd") => Http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };

    public string Url => $"http://127.0.0.1:{Port}";

    public HttpClient Http { get; }

    public static async Task<InfluxDb> StartAsync()
    {
        var influx = new InfluxDb();
        await influx.RestartAsync();
        return influx;
    }

    /// <summary>Runs one InfluxQL statement; throws with InfluxDB's message when it answers an error.</summary>
    public async Task<JsonObject> QueryAsync(string database, string influxQl)
    {
        using var response = await Http.PostAsync(
            $"/query?db={Uri.EscapeDataString(database)}&epoch=ms",
            new FormUrlEncodedContent([new KeyValuePair<string, string>("q", influxQl)]));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>() ?? throw new InvalidOperationException("empty answer from influxd");
        var error = (string?)body["error"] ?? (string?)body["results"]?[0]?["error"];
        if (!response.IsSuccessStatusCode || error is not null)
        {
            throw new InvalidOperationException($"InfluxQL failed: {error} ({influxQl})");
        }

        return body;
    }

    /// <summary>The rows of the first series of the first result (empty when there is none).</summary>
    public async Task<List<JsonArray>> RowsAsync(string database, string influxQl)
    {
        var body = await QueryAsync(database, influxQl);
        var series = body["results"]?[0]?["series"]?.AsArray();
        return series is null
            ? []
            : series.SelectMany(s => s!["values"]!.AsArray()).Select(v => v!.AsArray()).ToList();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Http.Dispose();
    }

    protected override async Task<ProcessStartInfo> PrepareAsync()
    {
        var binary = FindBinary("influxdb", "/usr/bin/influxd", "/usr/sbin/influxd", "/usr/local/bin/influxd");
        var config = Data.Combine("influxdb.conf");
        await File.WriteAllTextAsync(config, $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{_rpcPort}"
            [meta]
              dir = "{Data.Combine("meta")}"
            [data]
              dir = "{Data.Combine("data")}"
              wal-dir = "{Data.Combine("wal")}"
              query-log-enabled = false
            [http]
              bind-address = "127.0.0.1:{Port}"
              log-enabled = false
            [monitor]
              store-enabled = false
            [continuous_queries]
              enabled = false
            """);
        return new ProcessStartInfo(binary, ["-config", config]);
    }

    /// <summary>Ready once it answers /ping.</summary>
    protected override async Task WaitUntilReadyAsync(Process process)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var ping = await Http.GetAsync("/ping");
                if (ping.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException($"influxd exited with {process.ExitCode}: {Output}");
            }

            await Task.Delay(100);
        }
    }
}
