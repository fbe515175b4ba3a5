using System.Net;
using System.Net.Sockets;
using CityOps.Ingest.Edge;
using Microsoft.Extensions.Time.Testing;

namespace CityOps.Tests.Ingest;

// Loopback sockets inside the test process: the wait is a socket operation, and what it must not do (complete before
// any byte arrived, throw when its socket is closed) only shows on a real one.
public sealed class FirstBytesWaitTests : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly ConnectionGate _gate = new(10, 1, TimeSpan.FromSeconds(10), new FakeTimeProvider());

    public FirstBytesWaitTests()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _gate.Dispose();
    }

    [Fact]
    public async Task A_socket_is_handed_on_when_its_first_bytes_arrive_and_not_before()
    {
        using var client = await ConnectAsync();
        using var server = await _listener.AcceptAsync();
        using var ticket = _gate.TryAdmit(server.Dispose)!;
        var arrived = new TaskCompletionSource<(Socket Socket, bool Tls)>(TaskCreationOptions.RunContinuationsAsynchronously);

        FirstBytesWait.Start(server, ticket, tls: true, (socket, _, tls) => arrived.SetResult((socket, tls)));
        Assert.False(arrived.Task.IsCompleted);

        await client.SendAsync(new byte[] { 0x10, 0x00 });
        var (handed, handedTls) = await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Same(server, handed);
        Assert.True(handedTls);
        var buffer = new byte[2];
        Assert.Equal(2, await server.ReceiveAsync(buffer)); // the wait consumed nothing
        Assert.Equal(new byte[] { 0x10, 0x00 }, buffer);
    }

    [Fact]
    public async Task An_idle_socket_evicted_for_a_newer_one_gives_its_place_back_and_is_never_handed_on()
    {
        using var idleClient = await ConnectAsync();
        using var idle = await _listener.AcceptAsync();
        var handedOn = false;
        var idleTicket = _gate.TryAdmit(idle.Dispose)!;
        FirstBytesWait.Start(idle, idleTicket, tls: false, (_, _, _) => handedOn = true);
        Assert.Equal(1, _gate.Open);

        // The gate holds one pending socket: a newer one evicts the idle one, whose wait ends with its socket's close.
        using var newer = _gate.TryAdmit(() => { })!;
        Assert.True(idleTicket.Evicted);
        Assert.True(SpinWait.SpinUntil(() => _gate.Open == 1, TimeSpan.FromSeconds(30)));
        Assert.False(handedOn);
        Assert.True(await ClosedAsync(idleClient));
    }

    // Closed by its peer: an end of stream, or a reset (a socket closed with an operation pending is reset).
    private static async Task<bool> ClosedAsync(Socket socket)
    {
        try
        {
            return await socket.ReceiveAsync(new byte[1]).WaitAsync(TimeSpan.FromSeconds(30)) == 0;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }

    private async Task<Socket> ConnectAsync()
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(_listener.LocalEndPoint!);
        return client;
    }
}
