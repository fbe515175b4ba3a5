using System.Diagnostics;

namespace CityOps.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL 15 server (the Debian package's binaries, never its system service) of the test's own:
/// <c>initdb</c> into a temp folder, <c>postgres</c> on a free loopback port with its unix socket in that folder.
/// PostgreSQL refuses to run as root, so when the tests run as root it runs as the <c>postgres</c> user through
/// <c>runuser</c>. The test command installs the package; a missing server fails the test, it never skips.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";

    private readonly TempFolder _folder = new("postgres");
    private Process? _process;

    private PostgresServer(int port) => Port = port;

    public int Port { get; }

    public string DataDir => _folder.Combine("data");

    /// <summary>Npgsql connection string for the <c>postgres</c> database as the superuser.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Timeout=15;Command Timeout=30";

    public string Log => File.Exists(_folder.Combine("postgres.log")) ? File.ReadAllText(_folder.Combine("postgres.log")) : "";

    public static async Task<PostgresServer> StartAsync()
    {
        if (!File.Exists(Path.Combine(Bin, "postgres")))
        {
            throw new InvalidOperationException($"PostgreSQL 15 is not installed ({Bin}): run ./test.sh, which installs it (apt-get install postgresql).");
        }

        var server = new PostgresServer(FreePort.Next());
        await server.InitAsync();
        await server.RestartAsync();
        return server;
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        var start = Command("postgres", "-D", DataDir, "-p", Port.ToString(), "-c", "listen_addresses=127.0.0.1",
            "-c", $"unix_socket_directories={_folder.Path}", "-c", "fsync=off", "-c", "max_connections=200",
            "-c", "shared_buffers=64MB", "-c", $"logging_collector=off");
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        _process = Process.Start(start) ?? throw new InvalidOperationException("postgres did not start");
        var log = _folder.Combine("postgres.log");
        _process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        _process.OutputDataReceived += (_, e) => Append(log, e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        await FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(30));
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            // SIGINT: fast shutdown (runuser passes the signal on to postgres).
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _folder.Dispose();
    }

    private async Task InitAsync()
    {
        if (IsRoot)
        {
            // The server's user must own its folders (and reach them through the temp folder).
            await RunAsync(new ProcessStartInfo("chown", ["-R", "postgres:postgres", _folder.Path]));
            await RunAsync(new ProcessStartInfo("chmod", ["755", _folder.Path]));
        }

        await RunAsync(Command("initdb", "-D", DataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"));
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static ProcessStartInfo Command(string binary, params string[] arguments)
    {
        var start = IsRoot ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", Path.Combine(Bin, binary), .. arguments]) : new ProcessStartInfo(Path.Combine(Bin, binary), arguments);
        start.UseShellExecute = false;
        return start;
    }

    private static async Task RunAsync(ProcessStartInfo start)
    {
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    private static void Append(string path, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (typeof(PostgresServer))
        {
            File.AppendAllText(path, line + Environment.NewLine);
        }
    }
}
