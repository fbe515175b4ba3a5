using System.Globalization;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Tests.Integration;

/// <summary>
/// Devices under load: <c>devices</c> waterlogging gauges, each sending <c>readingsPerDevice</c> QoS 1 readings
/// whose depth alternates between 60 cm (red) and 5 cm (clear), so every reading changes the alarm: a device
/// raises exactly one case per odd seq, and a reading lost or judged twice changes the count. The seq is also
/// sent as metric <c>seq_no</c>, so the device's last metrics show the last reading judged. Like a real device,
/// a publish that fails (broker away) is sent again once it reconnects: at least once, same seq and ts.
/// </summary>
public sealed class LoadPublisher(int port, int devices, int readingsPerDevice, int perSecond, string prefix)
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddHours(-2);
    private int _published;
    private int _republished;

    public int Total => devices * readingsPerDevice;

    /// <summary>Readings the broker acknowledged.</summary>
    public int Published => Volatile.Read(ref _published);

    /// <summary>Publishes that failed and were sent again.</summary>
    public int Republished => Volatile.Read(ref _republished);

    public int CasesPerDevice => (readingsPerDevice + 1) / 2;

    public IEnumerable<string> DeviceIds => Enumerable.Range(0, devices).Select(Device);

    public string Device(int d) => $"{prefix}-{d:D3}";

    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var client = await ConnectAsync(cancellationToken);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var seq = 1; seq <= readingsPerDevice; seq++)
        {
            for (var d = 0; d < devices; d++)
            {
                var message = new MqttApplicationMessageBuilder()
                    .WithTopic($"city/waterlog/{Device(d)}/telemetry")
                    .WithPayload(Payload(seq))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build();
                while (true)
                {
                    try
                    {
                        var result = await client.PublishAsync(message, cancellationToken);
                        if (result.IsSuccess)
                        {
                            break;
                        }
                    }
                    catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException
                        && !cancellationToken.IsCancellationRequested)
                    {
                    }

                    Interlocked.Increment(ref _republished);
                    client.Dispose();
                    client = await ConnectAsync(cancellationToken);
                }

                var published = Interlocked.Increment(ref _published);
                var ahead = TimeSpan.FromSeconds((double)published / perSecond) - clock.Elapsed;
                if (ahead > TimeSpan.FromMilliseconds(5))
                {
                    await Task.Delay(ahead, cancellationToken);
                }
            }
        }

        await client.DisconnectAsync(cancellationToken: cancellationToken);
        client.Dispose();
    }

    public async Task WaitUntilPublishedAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Published < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"only {Published} of {count} readings published");
            }

            await Task.Delay(20);
        }
    }

    private static byte[] Payload(int seq) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"{{\"ts\":\"{Start.AddSeconds(seq):O}\",\"seq\":{seq},\"metrics\":{{\"depth_cm\":{(seq % 2 == 1 ? 60 : 5)},\"seq_no\":{seq}}}}}"));

    /// <summary>A new connection (a fresh client each time: MQTTnet refuses to reconnect a client whose connection is half torn down).</summary>
    private async Task<IMqttClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var client = new MqttClientFactory().CreateMqttClient();
            try
            {
                await client.ConnectAsync(new MqttClientOptionsBuilder()
                    .WithTcpServer("127.0.0.1", port)
                    .WithClientId("load-" + Guid.NewGuid().ToString("N")[..8])
                    .WithCleanStart()
                    .WithTimeout(TimeSpan.FromSeconds(5))
                    .Build(), cancellationToken);
                return client;
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException
                && DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
            {
                client.Dispose();
                await Task.Delay(100, cancellationToken);
            }
        }
    }
}
