namespace CityOps.Ingest.Edge;

/// <summary>
/// Bounds the embedded broker's sockets: at most <c>MaxConnections</c> in all, and at most <c>MaxPendingConnections</c>
/// that have not yet sent CONNECT. A socket beyond the first limit is closed at once; one beyond the second closes the
/// oldest pending socket instead, so thousands of idle sockets cannot keep a real device (which sends CONNECT within
/// milliseconds) from getting in.
/// </summary>
public sealed class ConnectionGate(int maxConnections, int maxPending, TimeSpan connectTimeout)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<ConnectionTicket> _pending = new();
    private int _open;

    public int Open
    {
        get
        {
            lock (_lock)
            {
                return _open;
            }
        }
    }

    /// <summary>A place for a new socket, or null when the broker holds <c>MaxConnections</c> already.</summary>
    public ConnectionTicket? TryAdmit(Action abort)
    {
        ConnectionTicket? evicted = null;
        ConnectionTicket ticket;
        lock (_lock)
        {
            if (_open >= maxConnections)
            {
                return null;
            }

            _open++;
            ticket = new ConnectionTicket(this, abort, connectTimeout);
            ticket.PendingNode = _pending.AddLast(ticket);
            if (_pending.Count > maxPending)
            {
                evicted = _pending.First!.Value;
                _pending.RemoveFirst();
                evicted.PendingNode = null;
            }
        }

        if (evicted is not null)
        {
            IngestMetrics.MqttRefused.WithLabels("pending_evicted").Inc();
            evicted.Evict();
        }

        return ticket;
    }

    internal void MarkConnected(ConnectionTicket ticket)
    {
        lock (_lock)
        {
            if (ticket.PendingNode is { } node)
            {
                _pending.Remove(node);
                ticket.PendingNode = null;
            }
        }
    }

    internal void Release(ConnectionTicket ticket)
    {
        lock (_lock)
        {
            MarkConnected(ticket);
            _open--;
        }
    }
}
