using System.Net.Sockets;
using System.Text;

namespace CityOps.Tests.Integration;

/// <summary>MQTT 3.1.1 packets written by hand, for tests that need the bytes on the wire under their control.</summary>
internal static class RawMqtt
{
    public static byte[] Connect311(string clientId, ushort keepAliveSeconds = 60)
    {
        var id = Encoding.UTF8.GetBytes(clientId);
        byte[] variable = [0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x04, 0x02, .. Length16(keepAliveSeconds)];
        return Packet(0x10, [.. variable, .. Length16(id.Length), .. id]);
    }

    public static byte[] Publish(string topic, string payload, ushort packetId, int qos = 1)
    {
        var name = Encoding.UTF8.GetBytes(topic);
        byte[] id = qos == 0 ? [] : [(byte)(packetId >> 8), (byte)packetId];
        return Packet((byte)(0x30 | (qos << 1)), [.. Length16(name.Length), .. name, .. id, .. Encoding.UTF8.GetBytes(payload)]);
    }

    public static readonly byte[] PingReq = [0xC0, 0x00];

    /// <summary>Whether the broker closed the connection: a read returns end of stream (or a reset) within the wait.</summary>
    public static async Task<bool> ClosedWithinAsync(Socket socket, TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        var buffer = new byte[256];
        try
        {
            while (await socket.ReceiveAsync(buffer, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Exactly <paramref name="count"/> bytes, however the broker splits them; fails after 30 s or at end of stream.</summary>
    public static async Task<byte[]> ReceiveAsync(Socket socket, int count)
    {
        var bytes = new byte[count];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        for (var at = 0; at < count;)
        {
            var read = await socket.ReceiveAsync(bytes.AsMemory(at), timeout.Token);
            if (read == 0)
            {
                throw new IOException($"the broker closed the connection after {at} of {count} bytes");
            }

            at += read;
        }

        return bytes;
    }

    private static byte[] Packet(byte header, byte[] body)
    {
        var packet = new List<byte> { header };
        var length = body.Length;
        do
        {
            var digit = (byte)(length % 128);
            length /= 128;
            packet.Add(length > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (length > 0);

        packet.AddRange(body);
        return [.. packet];
    }

    private static byte[] Length16(int length) => [(byte)(length >> 8), (byte)length];
}
