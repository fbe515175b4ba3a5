namespace CityOps.Grains.Devices;

// Liveness without a timer per grain: when time alone may next change something here (the silo's DeviceWatchList),
// the online flag, and how often liveness and last metrics alone are persisted.
public sealed partial class DeviceGrain
{
    // How soon the sweeper asks a device whose call failed midway to settle (DeviceGrain.Changes.cs, Settle).
    private static readonly TimeSpan SettleRetry = TimeSpan.FromSeconds(5);

    private long _watched; // what the watch list holds for this device (DeviceWatchList.Set's answer), 0 before the first call

    // Tells the silo's sweeper when time alone may next change something here: an offline window ending, the online flag
    // turning, a flapping alarm going quiet, liveness waiting to be persisted, an alarm clock or silence due.
    private void Watch()
    {
        if (S.Registration is null)
        {
            return;
        }

        var due = DateTimeOffset.MaxValue;
        if (S.LastSeen is { } seen)
        {
            // A phantom is not judged offline (CheckOffline): its offline window is nothing to wake it for.
            due = S.IsPhantom(services.Options.OfflineCaseAfterReadings) ? due : Judge.OfflineDue(seen) ?? due;
            if (S.Online && seen + OnlineWindow() < due)
            {
                due = seen + OnlineWindow();
            }
        }

        foreach (var (ruleId, flap) in S.Flaps ?? Enumerable.Empty<KeyValuePair<string, FlapState>>())
        {
            if (Rules.FirstOrDefault(r => r.Id == ruleId)?.Flapping is { } policy && policy.QuietAt(flap.Changes) < due)
            {
                due = policy.QuietAt(flap.Changes);
            }
        }

        if (_softDirty && _softPersistedAt + SoftPersistEvery() < due)
        {
            due = _softPersistedAt + SoftPersistEvery();
        }

        if (_unsettled && services.Time.GetUtcNow() + SettleRetry < due)
        {
            due = services.Time.GetUtcNow() + SettleRetry;
        }

        // Asked only when the list would change: a reading moves the offline window later, which the list keeps until the
        // time it holds has passed, so most readings skip the silo-wide dictionary (same rule: DeviceWatchList.Keeps).
        var next = SilenceDue(AlarmClockDue(due));
        var now = services.Time.GetUtcNow();
        if (!DeviceWatchList.Keeps(_watched, next, now))
        {
            _watched = services.WatchList.Set(Id, next, now);
        }
    }

    private bool IsOnline(DateTimeOffset now) => S.LastSeen is { } seen && now - seen < OnlineWindow();

    private TimeSpan OnlineWindow() => _judge?.OnlineWindow(services.Options.DefaultOfflineAfter) ?? services.Options.DefaultOfflineAfter;

    // At most 10 minutes, and at most half the shortest offline window, so a restart cannot make a live device look silent.
    private TimeSpan SoftPersistEvery()
    {
        var every = TimeSpan.FromMinutes(10);
        foreach (var rule in Rules)
        {
            if (rule.IsOffline && rule.Offline!.Value / 2 < every)
            {
                every = rule.Offline.Value / 2;
            }
        }

        return every;
    }
}
