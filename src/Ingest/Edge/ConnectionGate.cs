namespace CityOps.Ingest.Edge;

/// <summary>
/// Bounds the embedded broker's sockets: at most <c>MaxConnections</c> in all, and at most <c>MaxPendingConnections</c>
/// that have not yet sent CONNECT. A socket beyond the first limit is closed at once; one beyond the second closes the
/// oldest pending socket instead, so thousands of idle sockets cannot keep a real device (which sends CONNECT within
/// milliseconds) from getting in. A pending socket older than <c>ConnectTimeout</c> is closed by one sweep timer for
/// all of them (pending sockets are kept oldest first, so a sweep stops at the first young one): no timer per socket.
/// </summary>
public sealed class ConnectionGate : IDisposable
{
    private readonly Lock _lock = new();
    private readonly LinkedList<ConnectionTicket> _pending = new();
    private readonly int _maxConnections;
    private readonly int _maxPending;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeProvider _time;
    private readonly ITimer _sweeper;
    private int _open;

    public ConnectionGate(int maxConnections, int maxPending, TimeSpan connectTimeout, TimeProvider time)
    {
        _maxConnections = maxConnections;
        _maxPending = maxPending;
        _connectTimeout = connectTimeout;
        _time = time;
        _sweeper = time.CreateTimer(_ => Sweep(), null, SweepPeriod(connectTimeout), SweepPeriod(connectTimeout));
    }

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

    /// <summary>How often timed-out pending sockets are looked for: a socket is closed at most this long after its timeout.</summary>
    public static TimeSpan SweepPeriod(TimeSpan connectTimeout) =>
        TimeSpan.FromTicks(Math.Clamp(connectTimeout.Ticks / 10, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(1).Ticks));

    /// <summary>A place for a new socket, or null when the broker holds <c>MaxConnections</c> already.</summary>
    public ConnectionTicket? TryAdmit(Action abort)
    {
        ConnectionTicket? evicted = null;
        ConnectionTicket ticket;
        lock (_lock)
        {
            if (_open >= _maxConnections)
            {
                return null;
            }

            _open++;
            ticket = new ConnectionTicket(this, abort, _time.GetTimestamp());
            ticket.PendingNode = _pending.AddLast(ticket);
            if (_pending.Count > _maxPending)
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

    /// <summary>Closes every pending socket older than <c>ConnectTimeout</c>; the timer calls it, tests too.</summary>
    public int Sweep()
    {
        List<ConnectionTicket>? expired = null;
        lock (_lock)
        {
            while (_pending.First is { } oldest && _time.GetElapsedTime(oldest.Value.AdmittedAt) >= _connectTimeout)
            {
                _pending.RemoveFirst();
                oldest.Value.PendingNode = null;
                (expired ??= []).Add(oldest.Value);
            }
        }

        if (expired is null)
        {
            return 0;
        }

        IngestMetrics.MqttRefused.WithLabels("connect_timeout").Inc(expired.Count);
        foreach (var ticket in expired)
        {
            ticket.Evict();
        }

        return expired.Count;
    }

    public void Dispose() => _sweeper.Dispose();

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
