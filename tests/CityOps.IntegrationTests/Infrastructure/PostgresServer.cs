using System.Diagnostics;
using System.Globalization;

namespace CityOps.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL 15 server (the Debian package's binaries, never its system service): <c>initdb</c> into a temp
/// folder, <c>postgres</c> on a free loopback port with its unix socket in that folder. PostgreSQL refuses to run as
/// root, so when the tests run as root it runs as the <c>postgres</c> user through <c>runuser</c>.
/// </summary>
public sealed class PostgresServer : ExternalServer
{
    private const string Bin = "/usr/lib/postgresql/15/bin";

    private PostgresServer()
        : base("postgres")
    {
    }

    public string DataDir => Data.Combine("data");

    /// <summary>Npgsql connection string for the <c>postgres</c> database as the superuser.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Timeout=15;Command Timeout=30";

    private static bool IsRoot => Environment.UserName == "root";

    public static async Task<PostgresServer> StartAsync()
    {
        FindBinary("postgresql", Path.Combine(Bin, "postgres"));
        var server = new PostgresServer();
        await server.InitAsync();
        await server.RestartAsync();
        return server;
    }

    protected override Task<ProcessStartInfo> PrepareAsync() => Task.FromResult(Command(
        "postgres", "-D", DataDir, "-p", Port.ToString(CultureInfo.InvariantCulture), "-c", "listen_addresses=127.0.0.1",
        "-c", $"unix_socket_directories={Data.Path}", "-c", "fsync=off", "-c", "max_connections=200",
        "-c", "shared_buffers=64MB", "-c", "logging_collector=off"));

    private async Task InitAsync()
    {
        if (IsRoot)
        {
            // The server's user must own its folders (and reach them through the temp folder).
            await RunAsync(new ProcessStartInfo("chown", ["-R", "postgres:postgres", Data.Path]));
            await RunAsync(new ProcessStartInfo("chmod", ["755", Data.Path]));
        }

        await RunAsync(Command("initdb", "-D", DataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"));
    }

    private static ProcessStartInfo Command(string binary, params string[] arguments) =>
        IsRoot
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", Path.Combine(Bin, binary), .. arguments])
            : new ProcessStartInfo(Path.Combine(Bin, binary), arguments);

    private static async Task RunAsync(ProcessStartInfo start)
    {
        start.UseShellExecute = false;
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
}
