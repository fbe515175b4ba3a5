using CityOps.Ingest.Security;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace CityOps.Ingest.Edge;

/// <summary>
/// MQTTnet's channel adapter for one socket, with the packets watched before MQTTnet's server gets them:
/// <list type="bullet">
/// <item>the first must be a CONNECT and arrive before the ticket's CONNECT deadline; an MQTT 3.1/3.1.1 CONNECT with an
/// empty client id and a clean session gets a broker-assigned id, as MQTT-3.1.3-6 allows (MQTTnet assigns one only for
/// MQTT 5 and refuses the rest as "identifier rejected");</item>
/// <item>telemetry (a QoS 0 or 1 publish on <c>city/+/+/telemetry</c> without a topic alias, once the connection is
/// identified) is taken here (<see cref="ITelemetryTaker"/>) and answered with a PUBACK written on this connection;
/// MQTTnet never sees it. Its server would wrap each publish in an application message and an event, queue the PUBACK on
/// a packet bus for a send loop woken once per packet, and yield the thread before every packet it reads: that was
/// most of the broker's CPU per reading. Every other packet goes to MQTTnet as before, in the order it came.
/// Acknowledgements keep the order of the publishes (MQTT-4.6.0-2): while MQTTnet owes this connection an answer (a
/// PUBACK, SUBACK, PINGRESP ... to a packet handed to it), telemetry goes to MQTTnet too, so its PUBACK follows in
/// MQTTnet's own order (which sends a PINGRESP ahead of waiting acknowledgements, as the protocol allows).</item>
/// <item>the keep-alive (MQTT-3.1.2-24: no packet for 1.5 times the client's keep-alive closes the connection) is kept
/// here, since MQTTnet no longer sees every packet: the CONNECT reaches MQTTnet with keep-alive 0.</item>
/// </list>
/// </summary>
public sealed class GuardedChannelAdapter(IMqttChannelAdapter inner, ConnectionTicket ticket, ITelemetryTaker? telemetry, TimeProvider time) : WrappedChannelAdapter(inner)
{
    public const string AssignedIdPrefix = "auto-";

    private bool _connected;
    private ClientIdentity? _identity;
    private long _lastPacket;
    private TimeSpan _keepAliveLimit;
    private ITimer? _keepAlive;
    private int _owed; // answers MQTTnet owes to packets handed to it: written by the send loop, read by the reader

    public static string NewClientId() => AssignedIdPrefix + Guid.NewGuid().ToString("N");

    /// <summary>The connection was admitted as <paramref name="identity"/>: from now on its telemetry is taken here.</summary>
    public void Identify(ClientIdentity identity) => Volatile.Write(ref _identity, identity);

    public override Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken) =>
        _connected ? ReceiveTakingTelemetryAsync(cancellationToken) : ReceiveFirstPacketAsync(cancellationToken);

    private async Task<MqttPacket> ReceiveFirstPacketAsync(CancellationToken cancellationToken)
    {
        using var first = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, ticket.ConnectDeadline);
        var packet = await Inner.ReceivePacketAsync(first.Token).ConfigureAwait(false);
        if (packet is MqttConnectPacket connect)
        {
            _connected = true;
            ticket.Connected();
            if (string.IsNullOrEmpty(connect.ClientId) && connect.CleanSession && Inner.PacketFormatterAdapter.ProtocolVersion != MqttProtocolVersion.V500)
            {
                connect.ClientId = NewClientId();
            }

            KeepAlive(connect);
        }

        return packet;
    }

    private async Task<MqttPacket> ReceiveTakingTelemetryAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var packet = await Inner.ReceivePacketAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _lastPacket, time.GetTimestamp());
            if (telemetry is null || packet is not MqttPublishPacket publish || Volatile.Read(ref _identity) is not { } identity
                || publish.QualityOfServiceLevel == MqttQualityOfServiceLevel.ExactlyOnce || publish.TopicAlias != 0
                || Volatile.Read(ref _owed) != 0 || !MessageIntake.IsTelemetry(publish.Topic))
            {
                if (AwaitsAnswer(packet))
                {
                    Interlocked.Increment(ref _owed);
                }

                return packet;
            }

            // MQTTnet stops a connection (taken over by a new one with its client id, or the server stopping) by
            // cancelling this token: nothing more is taken from it then, as MQTTnet would process nothing more.
            cancellationToken.ThrowIfCancellationRequested();
            var answer = await telemetry.TakeAsync(identity, publish).ConfigureAwait(false);
            if (answer.CloseConnection)
            {
                return null!; // MQTTnet ends the connection on a null packet
            }

            if (publish.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtLeastOnce)
            {
                var puback = new MqttPubAckPacket { PacketIdentifier = publish.PacketIdentifier, ReasonCode = answer.ReasonCode, ReasonString = answer.ReasonString };
                await Inner.SendPacketAsync(puback, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void KeepAlive(MqttConnectPacket connect)
    {
        if (connect.KeepAlivePeriod == 0)
        {
            return;
        }

        _keepAliveLimit = TimeSpan.FromSeconds(connect.KeepAlivePeriod * 1.5);
        connect.KeepAlivePeriod = 0; // MQTTnet's own check would see only the packets that reach it
        Volatile.Write(ref _lastPacket, time.GetTimestamp());
        var every = _keepAliveLimit / 3; // closed between 1.5 and 2 times the keep-alive after the last packet
        _keepAlive = time.CreateTimer(static state => ((GuardedChannelAdapter)state!).CheckKeepAlive(), this, every, every);
    }

    private void CheckKeepAlive()
    {
        if (time.GetElapsedTime(Volatile.Read(ref _lastPacket)) < _keepAliveLimit)
        {
            return;
        }

        // Closing the socket fails the read MQTTnet waits on: it ends the connection as a lost one (its will is published).
        _keepAlive?.Dispose();
        IngestMetrics.MqttRefused.WithLabels("keep_alive_expired").Inc();
        Inner.Dispose();
    }

    public override Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken) =>
        IsAnswer(packet) ? SendAnswerAsync(packet, cancellationToken) : Inner.SendPacketAsync(packet, cancellationToken);

    private async Task SendAnswerAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        await Inner.SendPacketAsync(packet, cancellationToken).ConfigureAwait(false);
        Interlocked.Decrement(ref _owed);
    }

    private static bool AwaitsAnswer(MqttPacket packet) => packet switch
    {
        MqttPublishPacket publish => publish.QualityOfServiceLevel != MqttQualityOfServiceLevel.AtMostOnce,
        MqttPubRelPacket or MqttPubRecPacket or MqttSubscribePacket or MqttUnsubscribePacket or MqttPingReqPacket => true,
        _ => false,
    };

    private static bool IsAnswer(MqttPacket packet) =>
        packet is MqttPubAckPacket or MqttPubRecPacket or MqttPubCompPacket or MqttPubRelPacket or MqttSubAckPacket or MqttUnsubAckPacket or MqttPingRespPacket;

    public override void Dispose()
    {
        _keepAlive?.Dispose();
        base.Dispose();
    }
}
