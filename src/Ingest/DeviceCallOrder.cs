namespace CityOps.Ingest;

/// <summary>
/// One grain call at a time per device, in the order they are asked for, while calls to different devices run side by
/// side: a device's call starts at once, or when its previous call ends (however that ended). Lets the dispatcher
/// overlap rounds without letting a device see its readings out of order. Used by one thread (the dispatching loop).
/// </summary>
public sealed class DeviceCallOrder
{
    private const int MinPruneAt = 4096;

    // The latest call of each device that may still run; finished ones are pruned as the map grows.
    private readonly Dictionary<string, Task> _latest = new(StringComparer.Ordinal);
    private int _pruneAt = MinPruneAt;

    /// <summary>Devices remembered now (with a call running, or finished and not yet pruned).</summary>
    public int Count => _latest.Count;

    /// <summary>Starts <paramref name="call"/> for <paramref name="deviceId"/> now, or after the device's call before it ends.</summary>
    public Task<TResult> Start<TState, TResult>(string deviceId, TState state, Func<TState, Task<TResult>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var started = _latest.TryGetValue(deviceId, out var previous) && !previous.IsCompleted
            ? After(previous, state, call)
            : call(state);
        Started(deviceId, started);
        return started;
    }

    /// <summary>Whether no call of <paramref name="deviceId"/> is running: one started now needs to wait for nothing.</summary>
    public bool IsFree(string deviceId) => !_latest.TryGetValue(deviceId, out var previous) || previous.IsCompleted;

    /// <summary>
    /// Records <paramref name="call"/>, started by the caller while the device was free (<see cref="IsFree"/>), as the
    /// device's latest: the next <see cref="Start{TState, TResult}"/> waits for it. A call that ended at once needs no record.
    /// </summary>
    public void Started(string deviceId, Task call)
    {
        _latest[deviceId] = call;
        Prune();
    }

    private static async Task<TResult> After<TState, TResult>(Task previous, TState state, Func<TState, Task<TResult>> call)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return await call(state).ConfigureAwait(false);
    }

    // Forgets finished calls once the map has doubled since the last pass (a device heard once must not stay in it).
    private void Prune()
    {
        if (_latest.Count < _pruneAt)
        {
            return;
        }

        foreach (var (deviceId, call) in _latest)
        {
            if (call.IsCompleted)
            {
                _latest.Remove(deviceId);
            }
        }

        _pruneAt = Math.Max(MinPruneAt, 2 * _latest.Count);
    }
}
