using CityOps.Ingest;

namespace CityOps.Tests.Ingest;

/// <summary>Overlapping rounds keep each device's calls in order and let other devices pass (issue 14's tail, issue 21).</summary>
public sealed class DeviceCallOrderTests
{
    [Fact]
    public async Task A_device_call_waits_for_the_one_before_it_while_other_devices_go_ahead()
    {
        var order = new DeviceCallOrder();
        var slow = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new List<string>();

        var first = order.Start("A", "A1", s => { started.Add(s); return slow.Task; });
        var second = order.Start("A", "A2", s => { started.Add(s); return Task.FromResult(2); });
        var other = order.Start("B", "B1", s => { started.Add(s); return Task.FromResult(3); });

        Assert.Equal(["A1", "B1"], started);
        Assert.Equal(3, await other);
        Assert.False(second.IsCompleted);

        slow.SetResult(1);
        Assert.Equal(2, await second);
        Assert.Equal(1, await first);
        Assert.Equal(["A1", "B1", "A2"], started);
    }

    [Fact]
    public async Task A_failed_call_still_lets_the_next_call_of_its_device_run()
    {
        var order = new DeviceCallOrder();
        var failing = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = order.Start("A", 0, _ => failing.Task);
        var second = order.Start("A", 0, _ => Task.FromResult(2));
        failing.SetException(new InvalidOperationException("grain failed"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        Assert.Equal(2, await second);
    }

    [Fact]
    public async Task A_call_started_by_the_caller_on_a_free_device_is_waited_for_by_the_next()
    {
        // The dispatcher judges a local device itself when it is free; a judging that did not end at once is recorded.
        var order = new DeviceCallOrder();
        Assert.True(order.IsFree("A"));
        var hybrid = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        order.Started("A", hybrid.Task);
        Assert.False(order.IsFree("A"));
        Assert.True(order.IsFree("B"));

        var started = false;
        var next = order.Start("A", 0, _ => { started = true; return Task.FromResult(2); });
        Assert.False(started);

        hybrid.SetResult(1);
        Assert.Equal(2, await next);
        Assert.True(started);
        Assert.True(order.IsFree("A"));
    }

    [Fact]
    public void Devices_whose_calls_ended_are_forgotten_as_the_map_grows()
    {
        var order = new DeviceCallOrder();
        for (var i = 0; i < 10_000; i++)
        {
            order.Start("D" + i, i, Task.FromResult);
        }

        Assert.True(order.Count < 4096, $"{order.Count} devices remembered");
    }
}
