namespace CityOps.Ingest.Edge;

/// <summary>
/// A stream laid over a connection's stream by the MQTT edge (<see cref="PacketSizeGuardStream"/>,
/// <see cref="CoalescingWriteStream"/>): readable and writable as the connection is, never seekable.
/// </summary>
public abstract class WrappedStream(Stream inner) : Stream
{
    protected Stream Inner { get; } = inner;

    public override bool CanRead => Inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => Inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
