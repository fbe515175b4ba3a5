using CityOps.Ingest.Edge;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Implementations;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace CityOps.Ingest;

/// <summary>
/// The ingest client's channel adapter on an external broker: a QoS 0 or 1 publish the broker delivers is taken here,
/// as the connection reads it (parsed and in the ingest channel, <see cref="MessageIntake.TakeAsync"/>), and MQTTnet's
/// client never sees it. Its client would queue each publish for a second task (a thread hand-off per message), wrap it
/// in an application message and an event, and acknowledge it through its own send path. The acknowledgement is a PUBACK
/// written on this connection once the dispatcher has the reading judged and durable, as before; a rejected message
/// (its letter on the dead-letter topic) is acknowledged at once. While the channel is full the reader waits, so
/// back-pressure reaches the broker through TCP. Every other packet (CONNACK, SUBACK, PINGRESP, a QoS 2 publish) goes to
/// MQTTnet's client as before. One adapter per connection: a reconnect gets a new one, and what the old one had not
/// acknowledged the broker delivers again.
/// </summary>
public sealed class TelemetryClientAdapter(IMqttChannelAdapter inner, MessageIntake intake, ReadAheadBrokerSocket? socket) : WrappedChannelAdapter(inner)
{
    public override async Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var packet = await Inner.ReceivePacketAsync(cancellationToken).ConfigureAwait(false);
            if (packet is not MqttPublishPacket publish || publish.QualityOfServiceLevel == MqttQualityOfServiceLevel.ExactlyOnce
                || publish.TopicAlias != 0)
            {
                return packet;
            }

            // MQTTnet stops the connection (a disconnect, the service stopping) by cancelling this token: nothing more is
            // taken from it then, as MQTTnet would process nothing more.
            cancellationToken.ThrowIfCancellationRequested();
            var acknowledge = publish.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtLeastOnce ? Acknowledgement(publish.PacketIdentifier) : null;
            if (!await intake.TakeAsync(publish.Topic, publish.Payload, acknowledge, socket?.Connection, cancellationToken).ConfigureAwait(false)
                && acknowledge is not null)
            {
                await acknowledge(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private Func<CancellationToken, Task> Acknowledgement(ushort packetIdentifier) =>
        cancellationToken => Inner.SendPacketAsync(new MqttPubAckPacket { PacketIdentifier = packetIdentifier }, cancellationToken);

    /// <summary>
    /// Makes MQTTnet's client read each connection through a <see cref="TelemetryClientAdapter"/>; when the connection is
    /// a <see cref="ReadAheadBrokerSocket"/>'s, acknowledgements go through its held writes.
    /// </summary>
    public sealed class Factory(MessageIntake intake) : IMqttClientAdapterFactory
    {
        private readonly MqttClientAdapterFactory _inner = new();

        public IMqttChannelAdapter CreateClientAdapter(MqttClientOptions options, MqttPacketInspector packetInspector, IMqttNetLogger logger) =>
            new TelemetryClientAdapter(_inner.CreateClientAdapter(options, packetInspector, logger), intake,
                (options.ChannelOptions as MqttClientTcpOptions)?.StreamProvider as ReadAheadBrokerSocket);
    }
}
