using System.Diagnostics;
using System.Globalization;

namespace CityOps.Tests.Infrastructure;

/// <summary>A real mosquitto broker (the Debian package) on a free loopback port, with persistence in a temp folder.</summary>
public sealed class Mosquitto : ExternalServer
{
    private readonly string _extraConfig;

    private Mosquitto(string extraConfig)
        : base("mosquitto") => _extraConfig = extraConfig;

    public string Folder => Data.Path;

    /// <summary>Starts a broker; <paramref name="extraConfig"/> replaces <c>allow_anonymous true</c> (e.g. a password and ACL file).</summary>
    public static async Task<Mosquitto> StartAsync(string extraConfig = "allow_anonymous true")
    {
        var broker = new Mosquitto(extraConfig);
        await broker.RestartAsync();
        return broker;
    }

    /// <summary>SIGTERM, as a service manager stops it: mosquitto saves its sessions and queued messages first.</summary>
    public async Task StopGracefullyAsync()
    {
        if (Process is { HasExited: false } process)
        {
            using (var signal = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await signal.WaitForExitAsync();
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await process.WaitForExitAsync(wait.Token);
        }

        await StopAsync();
    }

    /// <summary>A graceful stop and a start on the same port and persistence folder.</summary>
    public async Task RestartGracefullyAsync()
    {
        await StopGracefullyAsync();
        await RestartAsync();
    }

    protected override async Task<ProcessStartInfo> PrepareAsync()
    {
        var binary = FindBinary("mosquitto", "/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto");

        // Started as root, mosquitto drops to user 'mosquitto': it must be able to write its persistence and log
        // here, or a restart silently forgets every session and queued message.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Data.Path, (UnixFileMode)0b111_111_111);
        }

        var config = Data.Combine("mosquitto.conf");
        await File.WriteAllTextAsync(config, $"""
            listener {Port} 127.0.0.1
            {_extraConfig}
            persistence true
            persistence_location {Data.Path}/
            autosave_interval 1
            max_inflight_messages 0
            max_queued_messages 1000000
            log_dest file {Data.Combine("mosquitto.log")}
            """);
        return new ProcessStartInfo(binary, ["-c", config]);
    }
}
