using System.Diagnostics;

namespace CityOps.Tests.Infrastructure;

/// <summary>
/// A real mosquitto broker (the Debian package) on a free loopback port, with persistence in a
/// temp folder. The test command installs it; a missing broker fails the test, it never skips.
/// </summary>
public sealed class Mosquitto : IAsyncDisposable
{
    private readonly TempFolder _folder = new("mosquitto");
    private Process? _process;

    private readonly string _extraConfig;

    private Mosquitto(int port, string extraConfig)
    {
        Port = port;
        _extraConfig = extraConfig;
    }

    public int Port { get; }

    public string Folder => _folder.Path;

    /// <summary>Starts a broker; <paramref name="extraConfig"/> replaces <c>allow_anonymous true</c> (e.g. a password and ACL file).</summary>
    public static async Task<Mosquitto> StartAsync(string extraConfig = "allow_anonymous true")
    {
        var broker = new Mosquitto(FreePort.Next(), extraConfig);
        await broker.RestartAsync();
        return broker;
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        // Started as root, mosquitto drops to user 'mosquitto': it must be able to write its persistence and log
        // here, or a restart silently forgets every session and queued message.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_folder.Path, (UnixFileMode)0b111_111_111);
        }

        var config = _folder.Combine("mosquitto.conf");
        await File.WriteAllTextAsync(config, $"""
            listener {Port} 127.0.0.1
            {_extraConfig}
            persistence true
            persistence_location {_folder.Path}/
            autosave_interval 1
            max_inflight_messages 0
            max_queued_messages 1000000
            log_dest file {_folder.Combine("mosquitto.log")}
            """);
        _process = Process.Start(new ProcessStartInfo(Binary(), $"-c {config}")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("mosquitto did not start");
        await FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(10));
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

    /// <summary>SIGTERM, as a service manager stops it: mosquitto saves its sessions and queued messages first.</summary>
    public async Task StopGracefullyAsync()
    {
        if (_process is { HasExited: false })
        {
            using (var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await signal.WaitForExitAsync();
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(wait.Token);
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>A graceful stop and a start on the same port and persistence folder.</summary>
    public async Task RestartGracefullyAsync()
    {
        await StopGracefullyAsync();
        await RestartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _folder.Dispose();
    }

    private static string Binary()
    {
        foreach (var candidate in new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("mosquitto is not installed: run ./test.sh, which installs it (apt-get install mosquitto).");
    }
}
