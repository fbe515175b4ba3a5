using System.Globalization;
using System.Diagnostics;
using System.Text;

namespace CityOps.Tests.Infrastructure;

/// <summary>
/// CityOps as users run it: the built <c>CityOps.Api</c> in its own process, on free loopback
/// ports, with its data folder kept across restarts so durability can be tested by killing it.
/// </summary>
public sealed class CityOpsProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> _settings;
    private readonly string[] _arguments;
    private readonly StringBuilder _log = new();
    private Process? _process;

    public CityOpsProcess(string dataDir, IDictionary<string, string> settings, params string[] arguments)
    {
        _arguments = arguments;
        DataDir = dataDir;
        HttpPort = FreePort.Next();
        _settings = new Dictionary<string, string>(settings)
        {
            ["CityOps:DataDir"] = dataDir,
            ["CityOps:Cluster:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["CityOps:Cluster:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["urls"] = $"http://127.0.0.1:{HttpPort}",
        };
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string DataDir { get; }

    /// <summary>The configuration it is started with (ports included).</summary>
    public IReadOnlyDictionary<string, string> Settings => _settings;

    public int HttpPort { get; }

    /// <summary>The OS process id (the demo simulator's MQTT client id carries it).</summary>
    public int ProcessId => _process?.Id ?? 0;

    public HttpClient Http { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public async Task StartAsync(TimeSpan? timeout = null)
    {
        Launch();
        await WaitHealthyAsync(timeout ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>For a start that must fail: waits for the process to end; its exit code, standard output and error apart.</summary>
    public async Task<(int ExitCode, string Output, string Error)> RunToExitAsync(TimeSpan timeout)
    {
        var output = new StringBuilder();
        var error = new StringBuilder();
        Launch(output, error);
        using var cancel = new CancellationTokenSource(timeout);
        await _process!.WaitForExitAsync(cancel.Token);
        _process.WaitForExit(); // drains the redirected streams
        lock (_log)
        {
            return (_process.ExitCode, output.ToString(), error.ToString());
        }
    }

    private void Launch(StringBuilder? output = null, StringBuilder? error = null)
    {
        Directory.CreateDirectory(DataDir);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = DataDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ApiAssembly());
        foreach (var (key, value) in _settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        foreach (var argument in _arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        _process = Process.Start(start) ?? throw new InvalidOperationException("CityOps did not start");
        _process.OutputDataReceived += (_, e) => Append(e.Data, output);
        _process.ErrorDataReceived += (_, e) => Append(e.Data, error);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing — what a crash looks like.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process is { HasExited: true })
            {
                throw new InvalidOperationException($"CityOps exited with {_process.ExitCode}:\n{Tail()}");
            }

            try
            {
                using var response = await Http.GetAsync("/healthz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"CityOps not healthy within {timeout}:\n{Tail()}");
            }

            await Task.Delay(100);
        }
    }

    public string Tail(int lines = 60) => string.Join('\n', Log.Split('\n').TakeLast(lines));

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        Http.Dispose();
    }

    private void Append(string? line, StringBuilder? stream)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
            stream?.AppendLine(line);
        }
    }

    private static string ApiAssembly()
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var path = Path.Combine(RepoPaths.Root, "src", "Api", "bin", configuration, "net10.0", "CityOps.Api.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the solution first (./test.sh does).", path);
    }
}
