namespace CityOps.Grains.Devices;

/// <summary>
/// One turn at a time, whoever starts it: <see cref="TryTake"/> takes the turn only if it is free (the dispatcher, which
/// then sends a grain call instead), <see cref="Take"/> waits for it (an Orleans call), <see cref="End"/> hands it to the
/// first waiting, in order. A struct held as a grain's field (a million grains: no object of its own); a queue is made
/// only when a call first has to wait.
/// </summary>
public struct TurnGate
{
    private static readonly Lock WaitersLock = new(); // contended only when two turns of one grain meet

    private int _taken;
    private Queue<TaskCompletionSource>? _waiters;

    public bool TryTake() => Interlocked.CompareExchange(ref _taken, 1, 0) == 0;

    public Task Take()
    {
        if (TryTake())
        {
            return Task.CompletedTask;
        }

        lock (WaitersLock)
        {
            _waiters ??= new Queue<TaskCompletionSource>(1);
            if (TryTake())
            {
                return Task.CompletedTask;
            }

            // Continued elsewhere: End may run on the dispatcher's thread, which must not run the waiting call.
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter);
            return waiter.Task;
        }
    }

    // The flag is freed first and taken back for a waiter: a waiter queued while it was held is seen here (it made the
    // queue before its last try), and one queued after it was freed took the turn itself.
    public void End()
    {
        Interlocked.Exchange(ref _taken, 0);
        if (Volatile.Read(ref _waiters) is null)
        {
            return;
        }

        TaskCompletionSource? next = null;
        lock (WaitersLock)
        {
            if (_waiters is { Count: > 0 } waiters && TryTake())
            {
                next = waiters.Dequeue();
            }
        }

        next?.SetResult();
    }
}
