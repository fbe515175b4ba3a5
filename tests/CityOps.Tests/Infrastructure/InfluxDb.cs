using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CityOps.Tests.Infrastructure;

/// <summary>
/// A real InfluxDB 1.x (<c>influxd</c> from the Debian package) on free loopback ports, with its
/// meta, data and WAL in a temp folder. The test command installs it; a missing influxd fails the
/// test, it never skips.
/// </summary>
public sealed class InfluxDb : IAsyncDisposable
{
    private readonly TempFolder _folder = new("influxd");
    private readonly int _rpcPort = FreePort.Next();
    private Process? _process;

    private InfluxDb(int port)
    {
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public HttpClient Http { get; }

    public static async Task<InfluxDb> StartAsync()
    {
        var influx = new InfluxDb(FreePort.Next());
        await influx.RestartAsync();
        return influx;
    }

    /// <summary>Starts (or starts again, on the same data) the server and waits until it answers /ping.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        var config = _folder.Combine("influxdb.conf");
        await File.WriteAllTextAsync(config, $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{_rpcPort}"
            [meta]
              dir = "{_folder.Combine("meta")}"
            [data]
              dir = "{_folder.Combine("data")}"
              wal-dir = "{_folder.Combine("wal")}"
              query-log-enabled = false
            [http]
              bind-address = "127.0.0.1:{Port}"
              log-enabled = false
            [monitor]
              store-enabled = false
            [continuous_queries]
              enabled = false
            """);
        _process = Process.Start(new ProcessStartInfo(Binary(), $"-config {config}")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("influxd did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

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

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"influxd exited with {_process.ExitCode}");
            }

            await Task.Delay(100);
        }
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
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

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Http.Dispose();
        _folder.Dispose();
    }

    private static string Binary()
    {
        foreach (var candidate in new[] { "/usr/bin/influxd", "/usr/sbin/influxd", "/usr/local/bin/influxd" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("influxd is not installed: run ./test.sh, which installs it (apt-get install influxdb).");
    }
}
