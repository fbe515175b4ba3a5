namespace CityOps.Tests.Ingest;

// A socket that records each send, can be made to fail or to wait, and answers every read with three bytes.
internal sealed class RecordingSocket : Stream
{
    public List<byte[]> Sends { get; } = [];

    public bool Failing { get; set; }

    public TaskCompletionSource? Blocked { get; set; }

    public bool Disposed { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Blocked is { } blocked)
        {
            await blocked.Task;
        }

        Write(buffer.Span);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(Disposed, this);
        if (Failing)
        {
            throw new IOException("connection reset by peer");
        }

        Sends.Add(buffer.ToArray());
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return ValueTask.FromResult(0); // a wait for data: there always is some
        }

        new byte[] { 1, 2, 3 }.CopyTo(buffer);
        return ValueTask.FromResult(3);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}
