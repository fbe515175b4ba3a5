using System.Net;
using System.Net.Sockets;
using CityOps.Ingest;

namespace CityOps.Tests.Ingest;

public class ReadAheadBrokerSocketTests
{
    // An MQTT packet: fixed header, the remaining length (variable-length encoded), then the body.
    private static byte[] Packet(byte header, int bodyLength)
    {
        var bytes = new List<byte> { header };
        var length = bodyLength;
        do
        {
            var b = (byte)(length % 128);
            length /= 128;
            bytes.Add(length > 0 ? (byte)(b | 0x80) : b);
        }
        while (length > 0);

        bytes.AddRange(Enumerable.Range(0, bodyLength).Select(i => (byte)(i * 7)));
        return [.. bytes];
    }

    [Fact]
    public async Task A_burst_from_the_broker_arrives_whole_in_small_reads_even_past_the_embedded_edge_packet_limit()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var connecting = new ReadAheadBrokerSocket().ConnectAsync(listener.LocalEndpoint, CancellationToken.None);
        using var broker = await listener.AcceptTcpClientAsync();
        await using var stream = await connecting;

        byte[] burst = [.. Packet(0x30, 40), .. Packet(0x30, MqttOptions.DefaultMaxPacketSize + 1000), .. Packet(0x40, 2)];
        await broker.GetStream().WriteAsync(burst);

        // Reads as small as MQTTnet's (a header byte, a length byte, part of a body), served from the read-ahead.
        var received = new byte[burst.Length];
        for (var at = 0; at < received.Length;)
        {
            var read = await stream.ReadAsync(received.AsMemory(at, Math.Min(1 + (at % 300), received.Length - at)));
            Assert.True(read > 0, $"the stream ended at byte {at} of {received.Length}");
            at += read;
        }

        Assert.Equal(burst, received);
    }
}
