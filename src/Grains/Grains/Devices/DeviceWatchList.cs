using System.Collections.Concurrent;

namespace CityOps.Grains.Devices;

/// <summary>
/// The device grains active on this silo, each with the time its next time-based check falls due (an offline
/// window ending, the online flag turning, liveness to persist). One entry per device, ~100 bytes, instead of a
/// timer per grain: the <see cref="DeviceSweeper"/> calls only the devices that are due.
/// </summary>
public sealed class DeviceWatchList
{
    private readonly ConcurrentDictionary<string, long> _due = new(StringComparer.Ordinal);

    public int Count => _due.Count;

    /// <summary>
    /// Records when <paramref name="deviceId"/> next needs a check (<see cref="DateTimeOffset.MaxValue"/> for never). A time
    /// earlier than the one held replaces it; a later one only once the one held has passed at <paramref name="now"/>: the
    /// sweeper may then ask a device a little early (its check sets the right time), but no check is ever missed, and a
    /// device that publishes (each reading moves its offline window) does not write here on every reading.
    /// Returns the time held afterwards (<see cref="At"/>), which the device can keep to skip the next call when
    /// <see cref="Keeps"/> says it would change nothing.
    /// </summary>
    public long Set(string deviceId, DateTimeOffset due, DateTimeOffset now)
    {
        if (_due.TryGetValue(deviceId, out var held) && Keeps(held, due, now))
        {
            return held;
        }

        return _due[deviceId] = At(due);
    }

    /// <summary>How <paramref name="due"/> is held: Unix milliseconds, <see cref="long.MaxValue"/> for never.</summary>
    public static long At(DateTimeOffset due) => due == DateTimeOffset.MaxValue ? long.MaxValue : due.ToUnixTimeMilliseconds();

    /// <summary>
    /// Whether <see cref="Set"/> keeps <paramref name="held"/> (what it returned last time for this device; 0 when nothing is held)
    /// rather than replace it with <paramref name="due"/>: it is no later, and has not passed at <paramref name="now"/>.
    /// </summary>
    public static bool Keeps(long held, DateTimeOffset due, DateTimeOffset now) => held <= At(due) && held > now.ToUnixTimeMilliseconds();

    public void Remove(string deviceId) => _due.TryRemove(deviceId, out _);

    /// <summary>The devices due at <paramref name="now"/>, or every device when <paramref name="all"/> (a new rule set).</summary>
    public List<string> Due(DateTimeOffset now, bool all = false)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var due = new List<string>();
        foreach (var (deviceId, at) in _due)
        {
            if (all || at <= nowMs)
            {
                due.Add(deviceId);
            }
        }

        return due;
    }
}
