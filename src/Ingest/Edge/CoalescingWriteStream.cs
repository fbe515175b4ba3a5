using System.Buffers;

namespace CityOps.Ingest.Edge;

/// <summary>
/// Joins the small writes of one connection into one write of the inner stream (one socket send). While the stream is
/// held (<see cref="Hold"/> until the last <see cref="ReleaseAsync"/>), writes are copied, in order, into a pending buffer
/// and complete at once; releasing sends them in one write. Writes outside a hold go straight through, uncopied. The
/// ingest dispatcher holds the broker connection while it acknowledges a round, so the round's PUBACKs leave together:
/// MQTTnet writes each packet under its own lock and awaits it, and a socket send of a few bytes completes at once, so
/// without a hold no write ever meets another and every PUBACK was a send of its own. No timer: a write waits at most for
/// the burst it came in (a PINGREQ or a dead letter written during a round's acknowledgements goes out with them).
/// One write of the inner stream at a time, in the order the writes were made. A failed write fails the stream (later
/// writes throw) and closes the inner stream, so the read waiting on it fails too and MQTTnet drops the connection; the
/// broker then redelivers what was not acknowledged. Reads pass through.
/// With <c>holdWhileReading</c> (the embedded broker's connections) the reader holds the stream too: a read that returns
/// bytes starts a hold (the reader has a burst of packets to work through), and the reader's next zero-byte read, which
/// <see cref="PacketSizeGuardStream"/> makes once it has handed on all it read and waits for more, ends it first. MQTTnet's
/// server answers every QoS 1 publish from a send loop of its own, one PUBACK per socket send; so held, the answers to a
/// burst leave in one send, made by the reader on its way back to the socket. A reader stopped inside a burst (the ingest
/// channel full) holds its answers until it goes on; the client waits for them as it would for the broker to read.
/// </summary>
public sealed class CoalescingWriteStream(Stream inner, bool holdWhileReading = false) : WrappedStream(inner)
{
    // Held while a write of the inner stream is being made, and while the pending bytes are appended to or taken.
    private readonly SemaphoreSlim _sending = new(1, 1);
    private int _holds; // changed with Interlocked; read under _sending
    private byte[]? _pending; // rented while it holds bytes; only while held
    private int _pendingLength;
    private Exception? _failure;
    private bool _readerHolds; // only the reader touches it: one read at a time

    /// <summary>From now until the matching <see cref="ReleaseAsync"/>, writes are gathered, not sent.</summary>
    public void Hold() => Interlocked.Increment(ref _holds);

    /// <summary>Ends a hold; the last one sends what was gathered in one write. Throws when that write (or an earlier one) failed.</summary>
    public async ValueTask ReleaseAsync(CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var holds = Interlocked.Decrement(ref _holds);
            if (holds < 0)
            {
                Interlocked.Increment(ref _holds);
                throw new InvalidOperationException("released without a hold");
            }

            if (holds == 0)
            {
                await SendPendingAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                ThrowIfFailed();
            }
        }
        finally
        {
            _sending.Release();
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var entering = _sending.WaitAsync(cancellationToken);
        return entering.IsCompletedSuccessfully ? WriteEnteredAsync(buffer, cancellationToken) : WriteWhenEnteredAsync(entering, buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    // Only asynchronous writes: MQTTnet (and SslStream over this stream) write asynchronously, and a synchronous write
    // would block its thread on the send lock.
    public override void Write(ReadOnlySpan<byte> buffer) => throw new NotSupportedException("write asynchronously");

    /// <summary>Sends what is gathered, held or not, and flushes the inner stream.</summary>
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SendPendingAsync(cancellationToken).ConfigureAwait(false);
            await Inner.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    public override void Flush() => throw new NotSupportedException("flush asynchronously");

    public override int Read(byte[] buffer, int offset, int count) => Inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => Inner.Read(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!holdWhileReading)
        {
            return Inner.ReadAsync(buffer, cancellationToken);
        }

        if (buffer.IsEmpty)
        {
            // The reader has worked through its burst and waits for more: what it answered leaves now.
            return _readerHolds ? ReleaseThenWaitAsync(buffer, cancellationToken) : Inner.ReadAsync(buffer, cancellationToken);
        }

        var reading = Inner.ReadAsync(buffer, cancellationToken);
        if (reading.IsCompletedSuccessfully)
        {
            return new ValueTask<int>(HoldIfRead(reading.Result));
        }

        return HoldWhenReadAsync(reading);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Inner.ReadAsync(buffer, offset, count, cancellationToken);

    // What is still gathered goes out before the inner stream closes (a write in flight elsewhere is left to finish or fail).
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (_sending.Wait(0))
            {
                try
                {
                    if (_failure is null && TakePending() is { } pending)
                    {
                        try
                        {
                            Inner.Write(pending.Bytes, 0, pending.Length);
                        }
                        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
                        {
                            // The connection is gone: what was not acknowledged is redelivered.
                        }
                        finally
                        {
                            ArrayPool<byte>.Shared.Return(pending.Bytes);
                        }
                    }

                    _failure ??= new ObjectDisposedException(nameof(CoalescingWriteStream));
                }
                finally
                {
                    _sending.Release();
                }
            }

            Inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_sending.Wait(0))
        {
            try
            {
                if (_failure is null)
                {
                    await SendPendingAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // The connection is gone: what was not acknowledged is redelivered.
            }
            finally
            {
                _failure ??= new ObjectDisposedException(nameof(CoalescingWriteStream));
                _sending.Release();
            }
        }

        await Inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int HoldIfRead(int read)
    {
        if (read > 0 && !_readerHolds)
        {
            _readerHolds = true;
            Hold();
        }

        return read;
    }

    private async ValueTask<int> HoldWhenReadAsync(ValueTask<int> reading) => HoldIfRead(await reading.ConfigureAwait(false));

    private async ValueTask<int> ReleaseThenWaitAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        _readerHolds = false;
        await ReleaseAsync(cancellationToken).ConfigureAwait(false);
        return await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask WriteWhenEnteredAsync(Task entering, ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        await entering.ConfigureAwait(false);
        await WriteEnteredAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    // With _sending held: gather while held, else write straight through (nothing is pending outside a hold).
    private ValueTask WriteEnteredAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_failure is not null)
        {
            _sending.Release();
            return ValueTask.FromException(Failed());
        }

        try
        {
            if (Volatile.Read(ref _holds) > 0)
            {
                Append(buffer.Span);
            }
            else
            {
                // Awaited in an async method even when done at once: it allocates nothing then, and the socket's pooled
                // completion is handed back.
                return ReleaseWhenWrittenAsync(Inner.WriteAsync(buffer, cancellationToken));
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
            _sending.Release();
            return ValueTask.FromException(ex);
        }

        _sending.Release();
        return ValueTask.CompletedTask;
    }

    private async ValueTask ReleaseWhenWrittenAsync(ValueTask writing)
    {
        try
        {
            await writing.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fail(ex);
            throw;
        }
        finally
        {
            _sending.Release();
        }
    }

    // With _sending held.
    private async ValueTask SendPendingAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        if (TakePending() is not { } pending)
        {
            return;
        }

        try
        {
            await Inner.WriteAsync(pending.Bytes.AsMemory(0, pending.Length), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fail(ex);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pending.Bytes);
        }
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        var length = _pendingLength + bytes.Length;
        if (_pending is null || _pending.Length < length)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(length, 256));
            if (_pending is { } old)
            {
                old.AsSpan(0, _pendingLength).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(old);
            }

            _pending = grown;
        }

        bytes.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength = length;
    }

    private (byte[] Bytes, int Length)? TakePending()
    {
        if (_pending is not { } pending)
        {
            return null;
        }

        var length = _pendingLength;
        _pending = null;
        _pendingLength = 0;
        return (pending, length);
    }

    // With _sending held: later writes throw, and the inner stream closes so a read waiting on it fails as well.
    private void Fail(Exception failure)
    {
        _failure ??= failure;
        if (TakePending() is { } pending)
        {
            ArrayPool<byte>.Shared.Return(pending.Bytes);
        }

        Inner.Dispose();
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw Failed();
        }
    }

    private IOException Failed() => new("an earlier write on this connection failed", _failure);
}
