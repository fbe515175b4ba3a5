using System.Diagnostics;

namespace CityOps.Tests.Infrastructure;

/// <summary>
/// A real server from a Debian package, started by a test on a free loopback port with its data in a temp folder
/// of its own (never a system service or a fixed port), and killed and removed when the test is done. The test
/// command installs the packages; a missing binary fails the test with how to install it, it never skips.
/// </summary>
public abstract class ExternalServer : IAsyncDisposable
{
    private readonly object _logLock = new();
    private Process? _process;

    protected ExternalServer(string name)
    {
        Data = new TempFolder(name);
        Port = FreePort.Next();
    }

    public int Port { get; }

    /// <summary>What the server printed on stdout and stderr (servers that log to a file of their own add nothing here).</summary>
    public string Output => File.Exists(OutputFile) ? File.ReadAllText(OutputFile) : "";

    protected TempFolder Data { get; }

    protected Process? Process => _process;

    private string OutputFile => Data.Combine("server.out");

    /// <summary>Starts the server (again, on the same port and data) and waits until it is ready.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        var start = await PrepareAsync();
        start.UseShellExecute = false;
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        await WaitUntilReadyAsync(_process);
    }

    /// <summary>Kills the server at once (SIGKILL, its whole process tree), as a crash would.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public virtual async ValueTask DisposeAsync()
    {
        await StopAsync();
        Data.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Writes the server's configuration into <see cref="Data"/> and says how to start it.</summary>
    protected abstract Task<ProcessStartInfo> PrepareAsync();

    /// <summary>By default, ready once it accepts connections on <see cref="Port"/>.</summary>
    protected virtual Task WaitUntilReadyAsync(Process process) => FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(30));

    /// <summary>The first of <paramref name="candidates"/> that exists; else a failure saying which package to install.</summary>
    protected static string FindBinary(string package, params string[] candidates) =>
        candidates.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{Path.GetFileName(candidates[0])} is not installed: run ./test.sh, which installs it (apt-get install {package}).");

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logLock)
        {
            File.AppendAllText(OutputFile, line + Environment.NewLine);
        }
    }
}
