using CityOps.Ingest.Edge;

namespace CityOps.Tests.Ingest;

public class CoalescingWriteStreamTests
{
    private static readonly byte[] A = [0x40, 0x02, 0x00, 0x01];
    private static readonly byte[] B = [0x40, 0x02, 0x00, 0x02];
    private static readonly byte[] C = [0x40, 0x02, 0x00, 0x03];
    private static readonly byte[] D = [0xC0, 0x00];

    [Fact]
    public async Task Writes_outside_a_hold_go_straight_through_one_send_each()
    {
        var socket = new RecordingSocket();
        await using var stream = new CoalescingWriteStream(socket);

        await stream.WriteAsync(A);
        await stream.WriteAsync(B);

        Assert.Equal([A, B], socket.Sends);
    }

    [Fact]
    public async Task Writes_during_a_hold_leave_in_one_send_in_their_order_when_it_ends()
    {
        var socket = new RecordingSocket();
        await using var stream = new CoalescingWriteStream(socket);

        await stream.WriteAsync(A);
        stream.Hold();
        var held = new[] { stream.WriteAsync(B).AsTask(), stream.WriteAsync(C).AsTask(), stream.WriteAsync(D).AsTask() };
        Assert.All(held, w => Assert.True(w.IsCompletedSuccessfully, "a held write completes at once"));
        Assert.Equal([A], socket.Sends);

        await stream.ReleaseAsync(default);
        await stream.WriteAsync(A);

        Assert.Equal([A, [.. B, .. C, .. D], A], socket.Sends);
    }

    [Fact]
    public async Task Nested_holds_send_at_the_last_release()
    {
        var socket = new RecordingSocket();
        await using var stream = new CoalescingWriteStream(socket);

        stream.Hold();
        await stream.WriteAsync(A);
        stream.Hold();
        await stream.WriteAsync(B);
        await stream.ReleaseAsync(default);
        Assert.Empty(socket.Sends);

        await stream.ReleaseAsync(default);
        Assert.Equal([[.. A, .. B]], socket.Sends);
        await Assert.ThrowsAsync<InvalidOperationException>(() => stream.ReleaseAsync(default).AsTask());
    }

    [Fact]
    public async Task A_write_made_while_a_released_burst_is_being_sent_follows_it()
    {
        var socket = new RecordingSocket { Blocked = new TaskCompletionSource() };
        await using var stream = new CoalescingWriteStream(socket);

        stream.Hold();
        await stream.WriteAsync(A);
        await stream.WriteAsync(B);
        var releasing = stream.ReleaseAsync(default); // the socket takes its time
        var after = stream.WriteAsync(C);
        Assert.False(releasing.IsCompleted);
        Assert.False(after.IsCompleted, "one send at a time");

        socket.Blocked.SetResult();
        await releasing;
        await after;

        Assert.Equal([[.. A, .. B], C], socket.Sends);
    }

    [Fact]
    public async Task A_failed_send_fails_the_stream_and_closes_the_connection()
    {
        var socket = new RecordingSocket();
        await using var stream = new CoalescingWriteStream(socket);

        stream.Hold();
        await stream.WriteAsync(A);
        socket.Failing = true;
        await Assert.ThrowsAsync<IOException>(() => stream.ReleaseAsync(default).AsTask());

        Assert.True(socket.Disposed, "the connection is closed, so the read waiting on it fails and the client reconnects");
        socket.Failing = false;
        var later = await Assert.ThrowsAsync<IOException>(() => stream.WriteAsync(B).AsTask());
        Assert.Contains("an earlier write on this connection failed", later.Message, StringComparison.Ordinal);
        Assert.Empty(socket.Sends);
    }

    [Fact]
    public async Task A_failed_write_outside_a_hold_fails_the_stream_too()
    {
        var socket = new RecordingSocket { Failing = true };
        await using var stream = new CoalescingWriteStream(socket);

        await Assert.ThrowsAsync<IOException>(() => stream.WriteAsync(A).AsTask());

        Assert.True(socket.Disposed);
        socket.Failing = false;
        stream.Hold();
        await Assert.ThrowsAsync<IOException>(() => stream.WriteAsync(B).AsTask());
        await Assert.ThrowsAsync<IOException>(() => stream.ReleaseAsync(default).AsTask());
        Assert.Empty(socket.Sends);
    }

    [Fact]
    public async Task Held_writes_go_out_on_flush()
    {
        var socket = new RecordingSocket();
        await using var stream = new CoalescingWriteStream(socket);

        stream.Hold();
        await stream.WriteAsync(A);
        await stream.WriteAsync(B);
        await stream.FlushAsync();

        Assert.Equal([[.. A, .. B]], socket.Sends);
        await stream.ReleaseAsync(default);
        Assert.Single(socket.Sends);
    }

    [Fact]
    public async Task Held_writes_go_out_before_the_connection_closes()
    {
        var socket = new RecordingSocket();
        var stream = new CoalescingWriteStream(socket);
        stream.Hold();
        await stream.WriteAsync(A);
        await stream.DisposeAsync();
        Assert.Equal([A], socket.Sends);
        Assert.True(socket.Disposed);

        var syncSocket = new RecordingSocket();
        var syncStream = new CoalescingWriteStream(syncSocket);
        syncStream.Hold();
        await syncStream.WriteAsync(B);
        syncStream.Dispose();
        Assert.Equal([B], syncSocket.Sends);
        Assert.True(syncSocket.Disposed);
    }

    [Fact]
    public async Task Reads_pass_through()
    {
        var socket = new RecordingSocket();
        await using var stream = new CoalescingWriteStream(socket);

        var buffer = new byte[4];
        Assert.Equal(3, await stream.ReadAsync(buffer));
        Assert.Equal(new byte[] { 1, 2, 3, 0 }, buffer);
    }

    [Fact]
    public async Task A_reader_holding_answers_its_burst_in_one_send_when_it_waits_for_more()
    {
        var socket = new RecordingSocket();
        await using var stream = new CoalescingWriteStream(socket, holdWhileReading: true);

        await stream.WriteAsync(A);
        Assert.Equal([A], socket.Sends); // no burst being read: straight through

        var buffer = new byte[4];
        Assert.Equal(3, await stream.ReadAsync(buffer)); // a burst arrives
        await stream.WriteAsync(B);
        Assert.Equal(3, await stream.ReadAsync(buffer)); // still working through it
        await stream.WriteAsync(C);
        Assert.Equal([A], socket.Sends);

        Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty)); // done with it, waiting for more
        Assert.Equal([A, [.. B, .. C]], socket.Sends);
        await stream.WriteAsync(D);
        Assert.Equal([A, [.. B, .. C], D], socket.Sends);
    }

    [Fact]
    public async Task A_reader_hold_and_a_dispatcher_hold_send_at_the_later_release()
    {
        var socket = new RecordingSocket();
        await using var stream = new CoalescingWriteStream(socket, holdWhileReading: true);

        Assert.Equal(3, await stream.ReadAsync(new byte[4]));
        stream.Hold();
        await stream.WriteAsync(A);
        Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty));
        Assert.Empty(socket.Sends);

        await stream.ReleaseAsync(default);
        Assert.Equal([A], socket.Sends);
    }

    [Fact]
    public async Task Without_hold_while_reading_reads_hold_nothing()
    {
        var socket = new RecordingSocket();
        await using var stream = new CoalescingWriteStream(socket);

        Assert.Equal(3, await stream.ReadAsync(new byte[4]));
        await stream.WriteAsync(A);

        Assert.Equal([A], socket.Sends);
    }
}
