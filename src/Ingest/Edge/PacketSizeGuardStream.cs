using System.Buffers;
using System.Runtime.CompilerServices;

namespace CityOps.Ingest.Edge;

/// <summary>
/// Reads MQTT's framing as bytes pass through and fails the read as soon as a packet header announces more than
/// <c>MaxPacketSize</c> bytes, before MQTTnet allocates a buffer for it (it would otherwise hold a 100 MiB publish
/// in memory). Writes pass through untouched.
/// Reads ahead: MQTTnet asks for each packet in two or three small reads (fixed header, length, body), each a socket
/// receive of its own; here one receive takes what the socket holds, and the small reads are served from it. The
/// read-ahead buffer is pooled and held only while it has bytes to hand on: with nothing buffered the stream waits for
/// data with a zero-byte read, so an idle connection holds no buffer.
/// </summary>
public sealed class PacketSizeGuardStream(Stream inner, int maxPacketSize, Action<long> tooLarge) : WrappedStream(inner)
{
    /// <summary>Bytes taken from the socket at once; a read asking for at least this much reads straight into its buffer.</summary>
    public const int ReadAheadSize = 4096;

    private byte[]? _readAhead; // rented while it holds bytes not yet handed on, or while a receive fills it
    private int _readAheadStart;
    private int _readAheadEnd;
    private bool _filling;
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

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_readAhead is not null)
        {
            return TakeReadAhead(buffer.AsSpan(offset, count));
        }

        var read = Inner.Read(buffer, offset, count);
        Inspect(buffer.AsSpan(offset, read));
        return read;
    }

    // Every packet is read through here: a read served from the read-ahead or completed by the socket at once allocates
    // nothing (an async method that completes synchronously), one that waits reuses a pooled state machine (MQTTnet awaits
    // each read once, as pooling requires).
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_readAhead is not null)
        {
            return new ValueTask<int>(TakeReadAhead(buffer.Span));
        }

        if (buffer.Length >= ReadAheadSize || buffer.IsEmpty)
        {
            return InspectWhenReadAsync(Inner.ReadAsync(buffer, cancellationToken), buffer);
        }

        // Nothing buffered: wait until the socket has data, holding no buffer meanwhile, then take all it has.
        var readable = Inner.ReadAsync(Memory<byte>.Empty, cancellationToken);
        return readable.IsCompletedSuccessfully ? ReadAheadAsync(buffer, cancellationToken) : ReadAheadWhenReadableAsync(readable, buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Inner.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => Inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => Inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => Inner.FlushAsync(cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.Dispose();
            if (!_filling)
            {
                // A buffer a receive may still write into is left to the GC, never returned to the pool.
                ReleaseReadAhead();
            }
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await Inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> InspectWhenReadAsync(ValueTask<int> reading, Memory<byte> buffer)
    {
        var read = await reading.ConfigureAwait(false);
        Inspect(buffer.Span[..read]);
        return read;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadAheadWhenReadableAsync(ValueTask<int> readable, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        await readable.ConfigureAwait(false);
        return await ReadAheadAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    // One receive into a rented buffer (the socket has data, so it mostly completes at once), then the caller's share.
    private ValueTask<int> ReadAheadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        _readAhead = ArrayPool<byte>.Shared.Rent(ReadAheadSize);
        _filling = true;
        ValueTask<int> receiving;
        try
        {
            receiving = Inner.ReadAsync(_readAhead, cancellationToken);
        }
        catch
        {
            Filled(0);
            throw;
        }

        return TakeWhenFilledAsync(receiving, buffer);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> TakeWhenFilledAsync(ValueTask<int> receiving, Memory<byte> buffer)
    {
        var received = 0;
        try
        {
            received = await receiving.ConfigureAwait(false);
        }
        finally
        {
            Filled(received); // 0 when it failed: the buffer goes back
        }

        return TakeReadAhead(buffer.Span);
    }

    private void Filled(int received)
    {
        _filling = false;
        _readAheadStart = 0;
        _readAheadEnd = received;
        if (received == 0)
        {
            ReleaseReadAhead(); // end of stream, or the receive failed
        }
    }

    // Hands on what the read-ahead holds, inspected as it goes; the buffer goes back to the pool once empty.
    private int TakeReadAhead(Span<byte> destination)
    {
        if (_readAhead is null)
        {
            return 0;
        }

        var count = Math.Min(destination.Length, _readAheadEnd - _readAheadStart);
        _readAhead.AsSpan(_readAheadStart, count).CopyTo(destination);
        _readAheadStart += count;
        if (_readAheadStart == _readAheadEnd)
        {
            ReleaseReadAhead();
        }

        Inspect(destination[..count]);
        return count;
    }

    private void ReleaseReadAhead()
    {
        if (_readAhead is { } readAhead)
        {
            _readAhead = null;
            ArrayPool<byte>.Shared.Return(readAhead);
        }
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
