using CityOps.Ingest.Security;
using Microsoft.Extensions.Time.Testing;

namespace CityOps.Tests.Security;

public class RefusalDelayTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task A_refusal_is_answered_after_the_delay_and_beyond_the_most_held_at_once_without_one()
    {
        var delay = new RefusalDelay(TimeSpan.FromSeconds(1), 2, _time);

        var held = new[] { delay.WaitAsync(), delay.WaitAsync() };
        var beyond = delay.WaitAsync();

        Assert.True(beyond.IsCompleted);
        Assert.All(held, t => Assert.False(t.IsCompleted));
        Assert.Equal(2, delay.Waiting);

        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.All(held, t => Assert.False(t.IsCompleted));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Task.WhenAll(held).WaitAsync(TimeSpan.FromSeconds(30)); // their continuations run on the thread pool
        Assert.Equal(0, delay.Waiting);

        // The places are free again.
        Assert.False(delay.WaitAsync().IsCompleted);
    }

    [Fact]
    public void No_delay_answers_at_once()
    {
        var delay = new RefusalDelay(TimeSpan.Zero, 10, _time);

        Assert.True(delay.WaitAsync().IsCompleted);
        Assert.Equal(0, delay.Waiting);
    }
}
