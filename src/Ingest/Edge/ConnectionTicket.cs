namespace CityOps.Ingest.Edge;

/// <summary>
/// One accepted socket's place in the <see cref="ConnectionGate"/>: pending until its CONNECT arrived, then
/// connected; disposing it gives the place back. <see cref="ConnectDeadline"/> is cancelled when the socket took
/// too long to CONNECT or was evicted to make room for a newer one.
/// </summary>
public sealed class ConnectionTicket : IDisposable
{
    private readonly ConnectionGate _gate;
    private readonly Action _abort;
    private readonly CancellationTokenSource _deadline;

    internal ConnectionTicket(ConnectionGate gate, Action abort, TimeSpan connectTimeout)
    {
        _gate = gate;
        _abort = abort;
        _deadline = new CancellationTokenSource(connectTimeout);
    }

    internal LinkedListNode<ConnectionTicket>? PendingNode { get; set; }

    public CancellationToken ConnectDeadline => _deadline.Token;

    /// <summary>The CONNECT packet arrived: the socket no longer counts as pending and its deadline is off.</summary>
    public void Connected()
    {
        _gate.MarkConnected(this);
        _deadline.CancelAfter(Timeout.InfiniteTimeSpan);
    }

    /// <summary>Closes the socket: a newer one needed its pending place.</summary>
    internal void Evict()
    {
        try
        {
            _deadline.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        _abort();
    }

    public void Dispose()
    {
        _gate.Release(this);
        _deadline.Dispose();
    }
}
