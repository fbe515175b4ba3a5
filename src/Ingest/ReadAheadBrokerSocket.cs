using System.Net;
using System.Net.Sockets;
using CityOps.Ingest.Edge;
using MQTTnet.Channel;

namespace CityOps.Ingest;

/// <summary>
/// The ingest client's connection to an external broker, read ahead as the embedded broker's sockets are
/// (<see cref="PacketSizeGuardStream"/>): MQTTnet's client asks for each packet in two or three small reads (fixed header,
/// remaining length, body), each a socket receive of its own; here one receive takes all the socket holds (a burst of
/// publishes from the broker) and the small reads are served from it. No packet-size limit: the broker is ours, and a
/// limit would drop the connection on a large message the broker then redelivers forever; the intake rejects it instead.
/// Its writes can be held (<see cref="CoalescingWriteStream"/>): the dispatcher holds <see cref="Connection"/> while it
/// acknowledges a round, so the round's PUBACKs leave in one socket send. TLS, when configured, is layered on top by MQTTnet.
/// </summary>
public sealed class ReadAheadBrokerSocket : IMqttClientStreamProvider
{
    private volatile CoalescingWriteStream? _connection;

    /// <summary>The writes of the latest connection (null before the first): what the acknowledgements of its messages go through.</summary>
    public CoalescingWriteStream? Connection => _connection;

    public async Task<Stream> ConnectAsync(EndPoint brokerEndPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(brokerEndPoint, cancellationToken).ConfigureAwait(false);
            var connection = new CoalescingWriteStream(new NetworkStream(socket, ownsSocket: true));
            _connection = connection;
            return new PacketSizeGuardStream(connection, int.MaxValue, static _ => { });
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
