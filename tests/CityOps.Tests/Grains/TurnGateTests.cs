using CityOps.Grains.Devices;

namespace CityOps.Tests.Grains;

/// <summary>The device grain's one turn at a time, whoever starts it (TurnGate).</summary>
public sealed class TurnGateTests
{
    [Fact]
    public void A_turn_is_tried_only_when_free_and_free_again_once_ended()
    {
        var grain = new Holder();
        Assert.True(grain.Gate.TryTake());
        Assert.False(grain.Gate.TryTake());
        grain.Gate.End();
        Assert.True(grain.Gate.TryTake());
    }

    [Fact]
    public void Calls_waiting_for_the_turn_get_it_one_after_another_in_the_order_they_came()
    {
        var grain = new Holder();
        Assert.True(grain.Gate.TryTake());
        var first = grain.Gate.Take();
        var second = grain.Gate.Take();
        Assert.False(first.IsCompleted);

        grain.Gate.End();
        Assert.True(first.IsCompleted);
        Assert.False(second.IsCompleted);
        Assert.False(grain.Gate.TryTake()); // handed over, never free in between

        grain.Gate.End();
        Assert.True(second.IsCompleted);
        grain.Gate.End();
        Assert.True(grain.Gate.TryTake());
    }

    [Fact]
    public async Task Ending_a_turn_does_not_run_the_waiting_call_on_the_ending_thread()
    {
        // The dispatcher ends turns on its own thread; a waiting grain call must continue on its own, not inside End.
        var grain = new Holder();
        Assert.True(grain.Gate.TryTake());
        using var endReturned = new ManualResetEventSlim();
        var waited = grain.Gate.Take().ContinueWith(
            _ => endReturned.Wait(TimeSpan.FromSeconds(5)), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        grain.Gate.End();
        endReturned.Set();

        Assert.True(await waited, "the waiting call ran inside End");
    }

    [Fact]
    public async Task Turns_taken_from_many_threads_never_overlap_and_none_is_lost()
    {
        var grain = new Holder();
        var inside = 0;
        var turns = 0;
        var overlaps = 0;
        async Task Caller(bool tries)
        {
            for (var i = 0; i < 2000; i++)
            {
                if (!(tries && grain.Gate.TryTake()))
                {
                    await grain.Gate.Take();
                }

                overlaps += Interlocked.Increment(ref inside) == 1 ? 0 : 1;
                turns++;
                Interlocked.Decrement(ref inside);
                grain.Gate.End();
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => Caller(tries: i % 2 == 0))));

        Assert.Equal((0, 16_000), (overlaps, turns));
    }

    private sealed class Holder
    {
        public TurnGate Gate;
    }
}
