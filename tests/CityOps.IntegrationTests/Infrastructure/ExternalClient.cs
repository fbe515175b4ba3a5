using System.Globalization;
using System.Diagnostics;

namespace CityOps.Tests.Infrastructure;

/// <summary>
/// MQTT clients CityOps did not write, run as their users run them: mosquitto_pub/mosquitto_sub (Debian's
/// mosquitto-clients) and MQTT.js (npm <c>mqtt</c>, installed into tests/interop by test.sh).
/// </summary>
public static class ExternalClient
{
    public static Task<ClientRun> MosquittoPubAsync(params string[] arguments) => RunAsync("mosquitto_pub", arguments);

    public static Task<ClientRun> MosquittoSubAsync(params string[] arguments) => RunAsync("mosquitto_sub", arguments);

    /// <summary>tests/interop/publish.mjs: one MQTT.js publish; prints <c>{"ok":..,"reasonCode":..}</c>.</summary>
    public static Task<ClientRun> MqttJsPublishAsync(int port, int protocolVersion, int qos, string topic, string payload, bool retain = false)
    {
        var folder = Path.Combine(RepoPaths.Root, "tests", "interop");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "mqtt")))
        {
            throw new InvalidOperationException("MQTT.js is not installed: run ./test.sh, which runs npm ci in tests/interop.");
        }

        return RunAsync("node", [Path.Combine(folder, "publish.mjs"), port.ToString(CultureInfo.InvariantCulture), protocolVersion.ToString(CultureInfo.InvariantCulture), qos.ToString(CultureInfo.InvariantCulture), topic, payload, retain ? "retain" : "no"]);
    }

    public static async Task<ClientRun> RunAsync(string file, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var wait = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish");
        }

        return new ClientRun(process.ExitCode, await output, await error);
    }
}
