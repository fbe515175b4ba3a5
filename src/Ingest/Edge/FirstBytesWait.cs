using System.Net.Sockets;

namespace CityOps.Ingest.Edge;

/// <summary>
/// Waits for a just-accepted socket's first bytes with a zero-byte receive: no buffer, no task, no timer and no MQTTnet
/// state while nothing has arrived, and a socket closed meanwhile (evicted, timed out, gone) completes with an error
/// code, not an exception. Under a flood of sockets that never send CONNECT, each costs its accept, this small object
/// and its close; only a socket that sent something is handed to <c>arrived</c> (which builds the MQTT connection).
/// </summary>
public sealed class FirstBytesWait : SocketAsyncEventArgs
{
    private readonly Socket _socket;
    private readonly ConnectionTicket _ticket;
    private readonly bool _tls;
    private readonly Action<Socket, ConnectionTicket, bool> _arrived;

    private FirstBytesWait(Socket socket, ConnectionTicket ticket, bool tls, Action<Socket, ConnectionTicket, bool> arrived)
        : base(unsafeSuppressExecutionContextFlow: true)
    {
        _socket = socket;
        _ticket = ticket;
        _tls = tls;
        _arrived = arrived;
        SetBuffer(Memory<byte>.Empty);
    }

    /// <summary>Calls <paramref name="arrived"/> once the socket has bytes to read; closes it and frees its place if it closes first.</summary>
    public static void Start(Socket socket, ConnectionTicket ticket, bool tls, Action<Socket, ConnectionTicket, bool> arrived)
    {
        var wait = new FirstBytesWait(socket, ticket, tls, arrived);
        bool pending;
        try
        {
            pending = socket.ReceiveAsync(wait);
        }
        catch (ObjectDisposedException)
        {
            // Evicted between its accept and here.
            wait.Finish(arrivedBytes: false);
            return;
        }

        if (!pending)
        {
            wait.Finish(wait.SocketError == SocketError.Success);
        }
    }

    protected override void OnCompleted(SocketAsyncEventArgs e) => Finish(SocketError == SocketError.Success);

    private void Finish(bool arrivedBytes)
    {
        Dispose();
        if (arrivedBytes && !_ticket.Evicted)
        {
            _arrived(_socket, _ticket, _tls);
            return;
        }

        _ticket.Dispose();
        _socket.Dispose();
    }
}
