using System.Globalization;
using System.Net;
using MQTTnet.Server;

namespace CityOps.Benchmarks;

/// <summary>
/// The floor under CityOps' embedded broker (issue 21): MQTTnet's server with nothing behind it. It takes every publish
/// as CityOps does (consumed in the publish interceptor, not forwarded), counts it and does nothing else: no parsing, no
/// grains, no rules. Under the same load, its CPU per reading is what the embedded edge costs before CityOps does any work.
/// <c>bare-broker PORT COUNT-FILE</c>: serves MQTT on 127.0.0.1:PORT and writes the count to COUNT-FILE ten times a second.
/// </summary>
public static class BareBroker
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 3 || !int.TryParse(args[1], CultureInfo.InvariantCulture, out var port))
        {
            Console.Error.WriteLine("usage: bare-broker PORT COUNT-FILE");
            return 2;
        }

        var countFile = args[2];
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(port)
            .Build();
        using var server = new MqttServerFactory().CreateMqttServer(options);
        long count = 0;
        server.InterceptingPublishAsync += e =>
        {
            e.ProcessPublish = false;
            Interlocked.Increment(ref count);
            return Task.CompletedTask;
        };
        await server.StartAsync();
        Console.WriteLine($"bare MQTTnet broker on 127.0.0.1:{port}");
        var scratch = countFile + ".tmp";
        while (true)
        {
            await Task.Delay(100);
            await File.WriteAllTextAsync(scratch, Interlocked.Read(ref count).ToString(CultureInfo.InvariantCulture));
            File.Move(scratch, countFile, overwrite: true);
        }
    }
}
