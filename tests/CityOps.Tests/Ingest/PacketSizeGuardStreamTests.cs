using CityOps.Ingest.Edge;

namespace CityOps.Tests.Ingest;

public class PacketSizeGuardStreamTests
{
    // A PUBLISH packet: fixed header 0x30, one length byte, then the body.
    private static byte[] Packet(int bodyLength) => [0x30, (byte)bodyLength, .. Enumerable.Range(0, bodyLength).Select(i => (byte)(i + 1))];

    [Fact]
    public async Task Small_reads_of_several_packets_take_one_receive()
    {
        byte[] three = [.. Packet(20), .. Packet(5), .. Packet(60)];
        var socket = new ChunkedStream(three);
        await using var guard = new PacketSizeGuardStream(socket, 1000, _ => { });

        // As MQTTnet reads: the fixed header and length (2 bytes), then the body.
        var received = new List<byte>();
        foreach (var body in new[] { 20, 5, 60 })
        {
            received.AddRange(await ReadExactly(guard, 2));
            received.AddRange(await ReadExactly(guard, body));
        }

        Assert.Equal(three, received);
        Assert.Equal(1, socket.Receives);
    }

    [Fact]
    public async Task Bytes_split_over_receives_arrive_in_order()
    {
        byte[] two = [.. Packet(30), .. Packet(3)];
        var socket = new ChunkedStream(two[..7], two[7..31], two[31..]);
        await using var guard = new PacketSizeGuardStream(socket, 1000, _ => { });

        var received = new List<byte>();
        foreach (var body in new[] { 30, 3 })
        {
            received.AddRange(await ReadExactly(guard, 2));
            received.AddRange(await ReadExactly(guard, body));
        }

        Assert.Equal(two, received);
        Assert.Equal(0, await guard.ReadAsync(new byte[2]));
    }

    [Fact]
    public async Task Packet_before_an_oversized_one_is_handed_on_and_the_oversized_header_fails_the_read()
    {
        byte[] chunk = [.. Packet(10), 0x30, 0xFF, 0x7F]; // the second announces 16,383 bytes
        long? refused = null;
        await using var guard = new PacketSizeGuardStream(new ChunkedStream(chunk), 1000, size => refused = size);

        byte[] first = [.. await ReadExactly(guard, 2), .. await ReadExactly(guard, 10)];
        Assert.Equal(Packet(10), first);
        Assert.Null(refused);

        var error = await Assert.ThrowsAsync<IOException>(() => ReadExactly(guard, 3));
        Assert.Contains("larger than CityOps:Mqtt:MaxPacketSize (1000)", error.Message, StringComparison.Ordinal);
        Assert.Equal(1 + 2 + 16_383, refused);
    }

    [Fact]
    public async Task A_large_read_goes_straight_to_the_socket()
    {
        var body = Packet(100);
        var socket = new ChunkedStream(body);
        await using var guard = new PacketSizeGuardStream(socket, 100_000, _ => { });

        var buffer = new byte[PacketSizeGuardStream.ReadAheadSize];
        var read = await guard.ReadAsync(buffer);

        Assert.Equal(body, buffer[..read]);
        Assert.Equal(0, socket.ZeroByteReads);
    }

    private static async Task<byte[]> ReadExactly(Stream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer);
        return buffer;
    }

    // A socket that delivers its bytes in the given chunks, one per receive, and counts the receives.
    private sealed class ChunkedStream(params byte[][] chunks) : Stream
    {
        private int _next;

        public int Receives { get; private set; }

        public int ZeroByteReads { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield(); // every receive waits, as a socket's does
            if (buffer.IsEmpty)
            {
                ZeroByteReads++;
                return 0;
            }

            if (_next == chunks.Length)
            {
                return 0;
            }

            Receives++;
            var chunk = chunks[_next++];
            Assert.True(chunk.Length <= buffer.Length, "the test's chunks fit the reader's buffer");
            chunk.CopyTo(buffer);
            return chunk.Length;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush() => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
