namespace CityOps.Ingest.Edge;

/// <summary>
/// One accepted socket's place in the <see cref="ConnectionGate"/>: pending until its CONNECT arrived, then
/// connected; disposing it gives the place back. <see cref="ConnectDeadline"/> is cancelled when the socket took
/// too long to CONNECT or was evicted to make room for a newer one; it is made only when asked for (once the socket
/// sent its first bytes), so a socket that never sends any costs no token.
/// </summary>
public sealed class ConnectionTicket : IDisposable
{
    private readonly ConnectionGate _gate;
    private readonly Action _abort;
    private CancellationTokenSource? _deadline;
    private int _evicted;

    internal ConnectionTicket(ConnectionGate gate, Action abort, long admittedAt)
    {
        _gate = gate;
        _abort = abort;
        AdmittedAt = admittedAt;
    }

    internal LinkedListNode<ConnectionTicket>? PendingNode { get; set; }

    /// <summary>When the socket was admitted (a <see cref="TimeProvider.GetTimestamp"/>).</summary>
    internal long AdmittedAt { get; }

    public bool Evicted => Volatile.Read(ref _evicted) != 0;

    public CancellationToken ConnectDeadline
    {
        get
        {
            if (Volatile.Read(ref _deadline) is { } made)
            {
                return made.Token;
            }

            var fresh = new CancellationTokenSource();
            if (Interlocked.CompareExchange(ref _deadline, fresh, null) is { } raced)
            {
                fresh.Dispose();
                return raced.Token;
            }

            if (Evicted)
            {
                fresh.Cancel();
            }

            return fresh.Token;
        }
    }

    /// <summary>The CONNECT packet arrived: the socket no longer counts as pending and no deadline applies.</summary>
    public void Connected() => _gate.MarkConnected(this);

    /// <summary>Closes the socket: it took too long to CONNECT, or a newer one needed its pending place.</summary>
    internal void Evict()
    {
        Interlocked.Exchange(ref _evicted, 1);
        try
        {
            Volatile.Read(ref _deadline)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        _abort();
    }

    public void Dispose()
    {
        _gate.Release(this);
        Volatile.Read(ref _deadline)?.Dispose();
    }
}
