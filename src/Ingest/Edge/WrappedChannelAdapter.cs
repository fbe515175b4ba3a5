using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;

namespace CityOps.Ingest.Edge;

/// <summary>
/// MQTTnet's channel adapter for one connection, laid over by the MQTT edge to see its packets before MQTTnet does
/// (<see cref="GuardedChannelAdapter"/> on the embedded broker, <see cref="TelemetryClientAdapter"/> on the ingest client):
/// everything it does not override goes to MQTTnet's own adapter.
/// </summary>
public abstract class WrappedChannelAdapter(IMqttChannelAdapter inner) : IMqttChannelAdapter
{
    protected IMqttChannelAdapter Inner { get; } = inner;

    public long BytesReceived => Inner.BytesReceived;

    public long BytesSent => Inner.BytesSent;

    public X509Certificate2 ClientCertificate => Inner.ClientCertificate;

    public EndPoint RemoteEndPoint => Inner.RemoteEndPoint;

    public EndPoint LocalEndPoint => Inner.LocalEndPoint;

    public bool IsSecureConnection => Inner.IsSecureConnection;

    public MqttPacketFormatterAdapter PacketFormatterAdapter => Inner.PacketFormatterAdapter;

    public Task ConnectAsync(CancellationToken cancellationToken) => Inner.ConnectAsync(cancellationToken);

    public Task DisconnectAsync(CancellationToken cancellationToken) => Inner.DisconnectAsync(cancellationToken);

    public abstract Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken);

    public virtual Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken) => Inner.SendPacketAsync(packet, cancellationToken);

    public void ResetStatistics() => Inner.ResetStatistics();

    public virtual void Dispose()
    {
        Inner.Dispose();
        GC.SuppressFinalize(this);
    }
}
