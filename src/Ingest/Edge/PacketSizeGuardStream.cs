using System.Runtime.CompilerServices;

namespace CityOps.Ingest.Edge;

/// <summary>
/// Reads MQTT's framing as bytes pass through and fails the read as soon as a packet header announces more than
/// <c>MaxPacketSize</c> bytes, before MQTTnet allocates a buffer for it (it would otherwise hold a 100 MiB publish
/// in memory). Writes pass through untouched.
/// </summary>
public sealed class PacketSizeGuardStream(Stream inner, int maxPacketSize, Action<long> tooLarge) : Stream
{
    private State _state = State.FixedHeader;
    private long _length;
    private int _lengthBytes;
    private long _remaining;

    private enum State
    {
        FixedHeader,
        RemainingLength,
        Body,
    }

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Inspect(buffer.AsSpan(offset, read));
        return read;
    }

    // Every packet is read through here: a read the socket completes at once costs no state machine, one that waits
    // reuses a pooled one (MQTTnet awaits each read once, as pooling requires).
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var reading = inner.ReadAsync(buffer, cancellationToken);
        if (!reading.IsCompletedSuccessfully)
        {
            return InspectWhenReadAsync(reading, buffer);
        }

        var read = reading.Result;
        Inspect(buffer.Span[..read]);
        return new ValueTask<int>(read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> InspectWhenReadAsync(ValueTask<int> reading, Memory<byte> buffer)
    {
        var read = await reading.ConfigureAwait(false);
        Inspect(buffer.Span[..read]);
        return read;
    }

    private void Inspect(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            switch (_state)
            {
                case State.FixedHeader:
                    i++;
                    _length = 0;
                    _lengthBytes = 0;
                    _state = State.RemainingLength;
                    break;
                case State.RemainingLength:
                    var b = bytes[i++];
                    _length |= (long)(b & 0x7F) << (7 * _lengthBytes);
                    _lengthBytes++;
                    if ((b & 0x80) != 0)
                    {
                        if (_lengthBytes == 4)
                        {
                            throw new IOException("malformed MQTT remaining length");
                        }

                        break;
                    }

                    var total = 1 + _lengthBytes + _length;
                    if (total > maxPacketSize)
                    {
                        tooLarge(total);
                        throw new IOException($"MQTT packet of {total} bytes is larger than CityOps:Mqtt:MaxPacketSize ({maxPacketSize})");
                    }

                    _remaining = _length;
                    _state = _remaining == 0 ? State.FixedHeader : State.Body;
                    break;
                default:
                    var skip = (int)Math.Min(_remaining, bytes.Length - i);
                    i += skip;
                    _remaining -= skip;
                    if (_remaining == 0)
                    {
                        _state = State.FixedHeader;
                    }

                    break;
            }
        }
    }
}
