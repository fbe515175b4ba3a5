using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;

namespace CityOps.Ingest.Edge;

/// <summary>
/// MQTTnet's channel adapter for one socket, with the first packet watched: it must arrive before the ticket's
/// CONNECT deadline, and an MQTT 3.1/3.1.1 CONNECT with an empty client id and a clean session gets a broker-assigned
/// id, as MQTT-3.1.3-6 allows (MQTTnet assigns one only for MQTT 5 and refuses the rest as "identifier rejected").
/// </summary>
public sealed class GuardedChannelAdapter(IMqttChannelAdapter inner, ConnectionTicket ticket) : IMqttChannelAdapter
{
    public const string AssignedIdPrefix = "auto-";

    private bool _connected;

    public long BytesReceived => inner.BytesReceived;

    public long BytesSent => inner.BytesSent;

    public X509Certificate2 ClientCertificate => inner.ClientCertificate;

    public EndPoint RemoteEndPoint => inner.RemoteEndPoint;

    public EndPoint LocalEndPoint => inner.LocalEndPoint;

    public bool IsSecureConnection => inner.IsSecureConnection;

    public MqttPacketFormatterAdapter PacketFormatterAdapter => inner.PacketFormatterAdapter;

    public static string NewClientId() => AssignedIdPrefix + Guid.NewGuid().ToString("N");

    public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

    public Task DisconnectAsync(CancellationToken cancellationToken) => inner.DisconnectAsync(cancellationToken);

    // After CONNECT, packets pass straight through: no state machine or task of ours per packet.
    public Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken) =>
        _connected ? inner.ReceivePacketAsync(cancellationToken) : ReceiveFirstPacketAsync(cancellationToken);

    private async Task<MqttPacket> ReceiveFirstPacketAsync(CancellationToken cancellationToken)
    {
        using var first = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, ticket.ConnectDeadline);
        var packet = await inner.ReceivePacketAsync(first.Token).ConfigureAwait(false);
        if (packet is MqttConnectPacket connect)
        {
            _connected = true;
            ticket.Connected();
            if (string.IsNullOrEmpty(connect.ClientId) && connect.CleanSession && inner.PacketFormatterAdapter.ProtocolVersion != MqttProtocolVersion.V500)
            {
                connect.ClientId = NewClientId();
            }
        }

        return packet;
    }

    public void ResetStatistics() => inner.ResetStatistics();

    public Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken) => inner.SendPacketAsync(packet, cancellationToken);

    public void Dispose() => inner.Dispose();
}
