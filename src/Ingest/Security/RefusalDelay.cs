namespace CityOps.Ingest.Security;

/// <summary>
/// Holds back the answer to a connection refused for its credentials (<c>LoginRefusalDelay</c>): a guesser that waits
/// for its CONNACK, as nearly all do, makes one guess per delay per connection instead of one per round trip, and
/// costs both sides that much less. At most <c>MaxDelayedRefusals</c> answers wait at once (each holds a socket); beyond
/// them a refusal is answered at once, as it was before.
/// </summary>
public sealed class RefusalDelay(TimeSpan delay, int maxAtOnce, TimeProvider time)
{
    private int _waiting;

    /// <summary>Refusals being held back now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public Task WaitAsync()
    {
        if (delay <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        if (Interlocked.Increment(ref _waiting) > maxAtOnce)
        {
            Interlocked.Decrement(ref _waiting);
            return Task.CompletedTask;
        }

        return HoldAsync();
    }

    private async Task HoldAsync()
    {
        try
        {
            await Task.Delay(delay, time).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }
}
