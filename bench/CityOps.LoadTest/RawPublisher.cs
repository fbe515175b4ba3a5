using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace CityOps.LoadTest;

/// <summary>
/// A lean publisher for loads beyond what MQTTnet clients make on one core: MQTT 3.1.1 packets written by hand on raw
/// sockets, a pacing tick's publishes in one send, PUBACKs counted by a reader per connection. The same devices,
/// topics, payloads, pacing and window (256 unacknowledged QoS 1 publishes per connection) as <see cref="Publisher"/>;
/// only the client's cost differs. A connection lost counts its unacknowledged publishes as failed, and stops.
/// </summary>
public sealed class RawPublisher(LoadOptions options, SyntheticCity city) : IReadingPublisher
{
    private readonly List<Connection> _connections = [];
    private long _sent;
    private long _failed;
    private long _seq;

    public long Sent => Interlocked.Read(ref _sent);

    public long Failed => Interlocked.Read(ref _failed);

    public async Task ConnectAsync()
    {
        for (var i = 0; i < options.Connections; i++)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(options.BrokerHost, options.BrokerPort);
            await socket.SendAsync(Connect($"loadtest-raw-{options.RunId}-{i}"));
            var connack = new byte[4];
            for (var read = 0; read < 4;)
            {
                var n = await socket.ReceiveAsync(connack.AsMemory(read));
                read += n > 0 ? n : throw new IOException("the broker closed the connection before its CONNACK");
            }

            if (connack[0] != 0x20 || connack[3] != 0)
            {
                throw new IOException($"the broker refused the connection (CONNACK return code {connack[3]})");
            }

            var connection = new Connection(socket);
            connection.Reading = Task.Run(() => ReadAcknowledgementsAsync(connection));
            _connections.Add(connection);
        }
    }

    public async Task PublishEveryDeviceOnceAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_connections.Select((connection, c) => Task.Run(async () =>
        {
            var device = c;
            while (device < city.Devices && !cancellationToken.IsCancellationRequested)
            {
                var written = Append(connection, ref device, c, (city.Devices - device + _connections.Count - 1) / _connections.Count, wrap: false);
                await SendAsync(connection, cancellationToken);
                if (written == 0)
                {
                    await Task.Delay(1, cancellationToken); // the window is full
                }
            }

            await DrainAsync(connection, cancellationToken);
        }, cancellationToken)));
    }

    public async Task<double> RunAsync(int rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var sentBefore = Sent;
        var perConnection = (double)rate / _connections.Count;
        await Task.WhenAll(_connections.Select((connection, c) => Task.Run(() => PaceAsync(connection, c, perConnection, duration, cancellationToken), cancellationToken)));
        return (Sent - sentBefore) / clock.Elapsed.TotalSeconds;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            try
            {
                await connection.Socket.SendAsync(new byte[] { 0xE0, 0x00 }); // DISCONNECT
            }
            catch (SocketException)
            {
            }

            connection.Socket.Dispose();
            await connection.Reading.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task PaceAsync(Connection connection, int index, double rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long published = 0;
        var device = index;
        while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested && !connection.Lost)
        {
            var due = (long)(rate * clock.Elapsed.TotalSeconds);
            published += Append(connection, ref device, index, (int)Math.Min(due - published, int.MaxValue), wrap: true);
            await SendAsync(connection, cancellationToken);
            await Task.Delay(2, cancellationToken);
        }

        await DrainAsync(connection, cancellationToken);
    }

    // Writes up to `count` publishes (fewer when the window fills) of this connection's devices, every connections-th one.
    private int Append(Connection connection, ref int device, int first, int count, bool wrap)
    {
        var qos1 = options.Qos == 1;
        var written = 0;
        while (written < count && (!qos1 || Volatile.Read(ref connection.InFlight) < Publisher.InFlightPerConnection))
        {
            if (device >= city.Devices)
            {
                if (!wrap)
                {
                    break;
                }

                device = first;
            }

            var (topic, _) = SyntheticCity.Device(device);
            var payload = SyntheticCity.NormalReading(device, Interlocked.Increment(ref _seq), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            if (qos1)
            {
                Interlocked.Increment(ref connection.InFlight);
                connection.PacketId = (ushort)(connection.PacketId == ushort.MaxValue ? 1 : connection.PacketId + 1);
            }

            WritePublish(connection.Pending, topic, payload, qos1 ? connection.PacketId : null);
            written++;
            device += _connections.Count;
        }

        if (!qos1)
        {
            Interlocked.Add(ref _sent, written);
        }

        return written;
    }

    private async Task SendAsync(Connection connection, CancellationToken cancellationToken)
    {
        if (connection.Pending.WrittenCount == 0 || connection.Lost)
        {
            connection.Pending.ResetWrittenCount();
            return;
        }

        try
        {
            await connection.Socket.SendAsync(connection.Pending.WrittenMemory, cancellationToken);
        }
        catch (SocketException)
        {
            Lose(connection);
        }

        connection.Pending.ResetWrittenCount();
    }

    // Until every publish of this connection is acknowledged (or it is lost).
    private static async Task DrainAsync(Connection connection, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (Volatile.Read(ref connection.InFlight) > 0 && !connection.Lost && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(5, cancellationToken);
        }
    }

    private async Task ReadAcknowledgementsAsync(Connection connection)
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        try
        {
            while (true)
            {
                var read = await connection.Socket.ReceiveAsync(buffer.AsMemory(length));
                if (read == 0)
                {
                    break;
                }

                length += read;
                var at = 0;
                while (TryPacket(buffer.AsSpan(at, length - at), out var type, out var size))
                {
                    if (type == 4)
                    {
                        Interlocked.Decrement(ref connection.InFlight);
                        Interlocked.Increment(ref _sent);
                    }

                    at += size;
                }

                buffer.AsSpan(at, length - at).CopyTo(buffer);
                length -= at;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        Lose(connection);
    }

    private void Lose(Connection connection)
    {
        if (!connection.Lost)
        {
            connection.Lost = true;
            Interlocked.Add(ref _failed, Interlocked.Exchange(ref connection.InFlight, 0));
        }
    }

    // A whole packet at the start of `bytes`: its type (the fixed header's high nibble) and its size.
    private static bool TryPacket(ReadOnlySpan<byte> bytes, out int type, out int size)
    {
        type = size = 0;
        var remaining = 0;
        for (var i = 1; i < 5; i++)
        {
            if (i >= bytes.Length)
            {
                return false;
            }

            remaining |= (bytes[i] & 0x7F) << (7 * (i - 1));
            if ((bytes[i] & 0x80) == 0)
            {
                type = bytes[0] >> 4;
                size = i + 1 + remaining;
                return size <= bytes.Length;
            }
        }

        throw new IOException("a malformed remaining length from the broker");
    }

    private byte[] Connect(string clientId)
    {
        var body = new ArrayBufferWriter<byte>();
        byte flags = 0x02; // clean session
        body.Write<byte>([0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x04]);
        if (options.Username is not null)
        {
            flags |= 0x80;
        }

        if (options.Password is not null)
        {
            flags |= 0x40;
        }

        body.Write<byte>([flags, 0x00, 0x00]); // keep-alive 0: the load runs without pings
        WriteString(body, clientId);
        if (options.Username is { } username)
        {
            WriteString(body, username);
        }

        if (options.Password is { } password)
        {
            WriteString(body, password);
        }

        var packet = new ArrayBufferWriter<byte>();
        WriteHeader(packet, 0x10, body.WrittenCount);
        packet.Write(body.WrittenSpan);
        return packet.WrittenSpan.ToArray();
    }

    private static void WritePublish(ArrayBufferWriter<byte> to, string topic, byte[] payload, ushort? packetId)
    {
        var topicBytes = Encoding.UTF8.GetByteCount(topic);
        WriteHeader(to, packetId is null ? (byte)0x30 : (byte)0x32, 2 + topicBytes + (packetId is null ? 0 : 2) + payload.Length);
        WriteString(to, topic);
        if (packetId is { } id)
        {
            to.Write<byte>([(byte)(id >> 8), (byte)id]);
        }

        to.Write(payload);
    }

    private static void WriteHeader(ArrayBufferWriter<byte> to, byte first, int remaining)
    {
        var span = to.GetSpan(5);
        span[0] = first;
        var i = 1;
        do
        {
            var digit = (byte)(remaining % 128);
            remaining /= 128;
            span[i++] = remaining > 0 ? (byte)(digit | 0x80) : digit;
        }
        while (remaining > 0);

        to.Advance(i);
    }

    private static void WriteString(ArrayBufferWriter<byte> to, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var span = to.GetSpan(2 + length);
        span[0] = (byte)(length >> 8);
        span[1] = (byte)length;
        Encoding.UTF8.GetBytes(value, span[2..]);
        to.Advance(2 + length);
    }

    private sealed class Connection(Socket socket)
    {
        public Socket Socket { get; } = socket;

        public ArrayBufferWriter<byte> Pending { get; } = new(64 * 1024);

        public Task Reading { get; set; } = Task.CompletedTask;

        public int InFlight;

        public ushort PacketId;

        public volatile bool Lost;
    }
}
