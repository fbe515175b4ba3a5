using System.Buffers;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CityOps.Ingest;
using CityOps.Ingest.Parsing;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace CityOps.Tests.Ingest;

public class TelemetryClientAdapterTests
{
    private static MqttPublishPacket Publish(string topic, string json, MqttQualityOfServiceLevel qos, ushort id) => new()
    {
        Topic = topic,
        Payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)),
        QualityOfServiceLevel = qos,
        PacketIdentifier = id,
    };

    private const string Json = """{"ts":"2026-07-20T08:19:00Z","metrics":{"water_level_cm":12}}""";

    [Fact]
    public async Task Telemetry_is_taken_off_the_connection_and_acknowledged_only_when_the_dispatcher_says_so()
    {
        var channel = new IngestChannel(16);
        var letters = new DeadLetterQueue();
        var inner = new ScriptedAdapter(
            Publish("city/waterlog/wl-1/telemetry", Json, MqttQualityOfServiceLevel.AtLeastOnce, 7),
            Publish("city/waterlog/wl-1/telemetry", "{not json", MqttQualityOfServiceLevel.AtLeastOnce, 8),
            Publish("city/waterlog/wl-2/telemetry", Json, MqttQualityOfServiceLevel.AtMostOnce, 0),
            Publish("city/waterlog/wl-3/telemetry", Json, MqttQualityOfServiceLevel.ExactlyOnce, 9),
            new MqttPingRespPacket());
        using var adapter = new TelemetryClientAdapter(inner, new MessageIntake(channel, letters, IngestKinds.Default, ParserFixture.Clock()), socket: null);

        // MQTTnet's client gets only what the adapter does not take: the QoS 2 publish, then the PINGRESP.
        var first = await adapter.ReceivePacketAsync(CancellationToken.None);
        Assert.Equal(9, Assert.IsType<MqttPublishPacket>(first).PacketIdentifier);
        Assert.IsType<MqttPingRespPacket>(await adapter.ReceivePacketAsync(CancellationToken.None));

        // The broken message was acknowledged at once (its letter is on the dead-letter topic); the good QoS 1 one not yet.
        Assert.Equal([(ushort)8], inner.Acknowledged);
        Assert.True(letters.Reader.TryRead(out var letter));
        Assert.Equal("city/waterlog/wl-1/telemetry", letter.Topic);

        Assert.True(channel.Reader.TryRead(out var qos1));
        Assert.Equal("wl-1", Assert.Single(qos1.Readings).DeviceId);
        Assert.True(channel.Reader.TryRead(out var qos0));
        Assert.Equal("wl-2", Assert.Single(qos0.Readings).DeviceId);
        Assert.Null(qos0.Acknowledge);
        Assert.False(channel.Reader.TryRead(out _));

        await qos1.Acknowledge!(CancellationToken.None);
        Assert.Equal([(ushort)8, (ushort)7], inner.Acknowledged);
    }

    [Fact]
    public async Task A_full_channel_holds_the_reader_and_loses_nothing()
    {
        var channel = new IngestChannel(1);
        var inner = new ScriptedAdapter(
            Publish("city/waterlog/wl-1/telemetry", Json, MqttQualityOfServiceLevel.AtLeastOnce, 1),
            Publish("city/waterlog/wl-2/telemetry", Json, MqttQualityOfServiceLevel.AtLeastOnce, 2),
            new MqttPingRespPacket());
        using var adapter = new TelemetryClientAdapter(inner, new MessageIntake(channel, new DeadLetterQueue(), IngestKinds.Default, ParserFixture.Clock()), socket: null);

        var receiving = adapter.ReceivePacketAsync(CancellationToken.None);
        await Task.Delay(100);
        Assert.False(receiving.IsCompleted); // the second publish waits for room; the PINGRESP behind it is not read yet
        Assert.Equal(1, inner.Remaining);

        Assert.True(channel.Reader.TryRead(out var first));
        Assert.IsType<MqttPingRespPacket>(await receiving.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(channel.Reader.TryRead(out var second));
        Assert.Equal(["wl-1", "wl-2"], new[] { first, second }.Select(m => m.Readings[0].DeviceId));
    }

    /// <summary>MQTTnet's side of the connection, scripted: the packets it reads, the PUBACKs written.</summary>
    private sealed class ScriptedAdapter(params MqttPacket[] packets) : IMqttChannelAdapter
    {
        private readonly Queue<MqttPacket> _packets = new(packets);

        public List<ushort> Acknowledged { get; } = [];

        public int Remaining => _packets.Count;

        public Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken) =>
            _packets.TryDequeue(out var packet) ? Task.FromResult(packet) : Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => (MqttPacket)null!);

        public Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken)
        {
            Acknowledged.Add(Assert.IsType<MqttPubAckPacket>(packet).PacketIdentifier);
            return Task.CompletedTask;
        }

        public long BytesReceived => 0;

        public long BytesSent => 0;

        public X509Certificate2 ClientCertificate => null!;

        public EndPoint RemoteEndPoint => new IPEndPoint(IPAddress.Loopback, 1883);

        public EndPoint LocalEndPoint => new IPEndPoint(IPAddress.Loopback, 50000);

        public bool IsSecureConnection => false;

        public MqttPacketFormatterAdapter PacketFormatterAdapter => null!;

        public Task ConnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task DisconnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void ResetStatistics()
        {
        }

        public void Dispose()
        {
        }
    }
}
