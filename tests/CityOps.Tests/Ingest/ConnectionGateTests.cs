using CityOps.Ingest.Edge;
using Microsoft.Extensions.Time.Testing;

namespace CityOps.Tests.Ingest;

public class ConnectionGateTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_pending_socket_is_closed_by_the_sweep_once_older_than_the_connect_timeout_and_not_before()
    {
        using var gate = new ConnectionGate(10, 10, Timeout, _time);
        var aborted = 0;
        _time.Advance(TimeSpan.FromMilliseconds(500)); // between two rounds of the gate's own timer
        using var ticket = gate.TryAdmit(() => aborted++)!;

        _time.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, gate.Sweep());
        Assert.Equal(0, aborted);
        Assert.False(ticket.ConnectDeadline.IsCancellationRequested);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, gate.Sweep());
        Assert.Equal(1, aborted);
        Assert.True(ticket.Evicted);
        Assert.True(ticket.ConnectDeadline.IsCancellationRequested);
        Assert.Equal(0, gate.Sweep());
    }

    [Fact]
    public void One_timer_sweeps_every_pending_socket_within_a_sweep_period_of_its_timeout()
    {
        using var gate = new ConnectionGate(100, 100, Timeout, _time);
        var aborted = 0;
        var tickets = Enumerable.Range(0, 50).Select(_ => gate.TryAdmit(() => Interlocked.Increment(ref aborted))!).ToList();
        var deadline = tickets[0].ConnectDeadline;

        _time.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, aborted);
        _time.Advance(ConnectionGate.SweepPeriod(Timeout)); // closed at most one period after the timeout

        Assert.Equal(50, aborted);
        Assert.True(deadline.IsCancellationRequested);
        Assert.Equal(50, gate.Open); // still held until each socket's owner gives its place back
        tickets.ForEach(t => t.Dispose());
        Assert.Equal(0, gate.Open);
    }

    [Fact]
    public void A_socket_that_sent_connect_is_never_swept()
    {
        using var gate = new ConnectionGate(10, 10, Timeout, _time);
        var aborted = 0;
        using var ticket = gate.TryAdmit(() => aborted++)!;
        ticket.Connected();

        _time.Advance(Timeout * 10);

        Assert.Equal(0, gate.Sweep());
        Assert.Equal(0, aborted);
        Assert.False(ticket.ConnectDeadline.IsCancellationRequested);
    }

    [Fact]
    public void The_sweep_stops_at_the_first_young_socket_and_takes_the_old_ones_only()
    {
        using var gate = new ConnectionGate(10, 10, Timeout, _time);
        var closed = new List<int>();
        _time.Advance(TimeSpan.FromMilliseconds(500));
        using var old = gate.TryAdmit(() => closed.Add(1))!;
        _time.Advance(TimeSpan.FromSeconds(6));
        using var young = gate.TryAdmit(() => closed.Add(2))!;
        _time.Advance(TimeSpan.FromSeconds(4));
        gate.Sweep(); // the gate's timer may have come first

        Assert.Equal([1], closed);
        Assert.False(young.Evicted);
    }

    [Fact]
    public void Beyond_the_pending_limit_the_oldest_pending_socket_is_evicted_and_beyond_the_connection_limit_none_is_admitted()
    {
        using var gate = new ConnectionGate(3, 2, Timeout, _time);
        var closed = new List<int>();
        var first = gate.TryAdmit(() => closed.Add(1))!;
        first.Connected();
        var second = gate.TryAdmit(() => closed.Add(2))!;
        var third = gate.TryAdmit(() => closed.Add(3))!;
        Assert.Empty(closed);

        // A fourth socket: over the connection limit (3 held), refused; the pending ones stay.
        Assert.Null(gate.TryAdmit(() => closed.Add(4)));
        second.Dispose();
        var fifth = gate.TryAdmit(() => closed.Add(5))!;
        Assert.Empty(closed);
        third.Connected();
        fifth.Dispose();
        first.Dispose();

        // Two pending places: the third pending socket evicts the oldest pending one, never a connected one.
        var a = gate.TryAdmit(() => closed.Add(6))!;
        var b = gate.TryAdmit(() => closed.Add(7))!;
        Assert.Null(gate.TryAdmit(() => closed.Add(8)));
        a.Dispose();
        b.Dispose();
        var c = gate.TryAdmit(() => closed.Add(9))!;
        var d = gate.TryAdmit(() => closed.Add(10))!;
        Assert.Empty(closed);
        third.Dispose();
        var e = gate.TryAdmit(() => closed.Add(11))!;
        Assert.Equal([9], closed);
        Assert.True(c.Evicted);
        Assert.True(c.ConnectDeadline.IsCancellationRequested);
        Assert.False(d.Evicted || e.Evicted);
    }
}
