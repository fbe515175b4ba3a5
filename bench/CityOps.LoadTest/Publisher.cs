using System.Diagnostics;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.LoadTest;

/// <summary>The publisher of record: MQTTnet clients, one message object and one awaited publish per reading.</summary>
public sealed class Publisher(LoadOptions options, SyntheticCity city) : IReadingPublisher
{
    public const int InFlightPerConnection = 256;
    private List<IMqttClient> _clients = [];
    private long _sent;
    private long _failed;
    private long _seq;

    public long Sent => Interlocked.Read(ref _sent);

    public long Failed => Interlocked.Read(ref _failed);

    public async Task ConnectAsync() => _clients = await ConnectAsync(options, options.Connections, "loadtest");

    public static async Task<List<IMqttClient>> ConnectAsync(LoadOptions options, int count, string prefix)
    {
        var factory = new MqttClientFactory();
        var clients = new List<IMqttClient>();
        for (var i = 0; i < count; i++)
        {
            var client = factory.CreateMqttClient();
            var connect = new MqttClientOptionsBuilder()
                .WithTcpServer(options.BrokerHost, options.BrokerPort)
                .WithClientId($"{prefix}-{options.RunId}-{i}")
                .WithCleanStart()
                .WithTimeout(TimeSpan.FromSeconds(30));
            if (options.Username is not null)
            {
                connect.WithCredentials(options.Username, options.Password);
            }

            await client.ConnectAsync(connect.Build());
            clients.Add(client);
        }

        return clients;
    }

    public async Task PublishEveryDeviceOnceAsync(CancellationToken cancellationToken)
    {
        var clients = _clients;
        var qos = options.Qos == 1 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce;
        await Task.WhenAll(clients.Select((client, c) => Task.Run(async () =>
        {
            using var inFlight = new SemaphoreSlim(InFlightPerConnection);
            var pending = new List<Task>();
            for (var device = c; device < city.Devices; device += clients.Count)
            {
                await inFlight.WaitAsync(cancellationToken);
                var message = new MqttApplicationMessageBuilder()
                    .WithTopic(SyntheticCity.Device(device).Topic)
                    .WithPayload(SyntheticCity.NormalReading(device, Interlocked.Increment(ref _seq), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()))
                    .WithQualityOfServiceLevel(qos)
                    .Build();
                pending.Add(PublishAsync(client, message, inFlight, cancellationToken));
            }

            await Task.WhenAll(pending);
        }, cancellationToken)));
    }

    public async Task<double> RunAsync(int rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var clients = _clients;
        var clock = Stopwatch.StartNew();
        var sentBefore = Sent;
        var perConnection = (double)rate / clients.Count;
        var tasks = clients.Select((client, c) => Task.Run(() => PaceAsync(client, c, clients.Count, perConnection, duration, cancellationToken), cancellationToken));
        await Task.WhenAll(tasks);
        return (Sent - sentBefore) / clock.Elapsed.TotalSeconds;
    }

    private async Task PaceAsync(IMqttClient client, int connection, int connections, double rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var qos = options.Qos == 1 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce;
        using var inFlight = new SemaphoreSlim(InFlightPerConnection);
        var pending = new List<Task>();
        var clock = Stopwatch.StartNew();
        long published = 0;
        // This connection's devices: every connections-th one.
        var device = connection;
        while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
        {
            var due = (long)(rate * clock.Elapsed.TotalSeconds);
            while (published < due)
            {
                await inFlight.WaitAsync(cancellationToken);
                var seq = Interlocked.Increment(ref _seq);
                var (topic, _) = SyntheticCity.Device(device);
                var message = new MqttApplicationMessageBuilder()
                    .WithTopic(topic)
                    .WithPayload(SyntheticCity.NormalReading(device, seq, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()))
                    .WithQualityOfServiceLevel(qos)
                    .Build();
                pending.Add(PublishAsync(client, message, inFlight, cancellationToken));
                published++;
                device += connections;
                if (device >= city.Devices)
                {
                    device = connection;
                }
            }

            if (pending.Count > 4 * InFlightPerConnection)
            {
                pending.RemoveAll(t => t.IsCompleted);
            }

            await Task.Delay(2, cancellationToken);
        }

        await Task.WhenAll(pending);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
            client.Dispose();
        }
    }

    private async Task PublishAsync(IMqttClient client, MqttApplicationMessage message, SemaphoreSlim inFlight, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.PublishAsync(message, cancellationToken);
            if (result.IsSuccess)
            {
                Interlocked.Increment(ref _sent);
            }
            else
            {
                Interlocked.Increment(ref _failed);
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failed);
        }
        finally
        {
            inFlight.Release();
        }
    }
}
