using System.Collections.Concurrent;

namespace CityOps.Ingest.Security;

/// <summary>
/// Backoff for wrong passwords, per identity (username) and per client address: after <c>FreeLoginFailures</c> (ten
/// times as many for an address, which many devices may share behind NAT) each further attempt must wait
/// <c>LoginBackoff</c>, doubled per failure up to <c>MaxLoginBackoff</c>. An attempt made
/// during the wait is refused without a password check. A key is forgotten after a quiet <c>MaxLoginBackoff</c>.
/// </summary>
public sealed class LoginThrottle(MqttOptions options, TimeProvider time)
{
    private const int MaxKeys = 100_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>How long the key must still wait, or zero.</summary>
    public TimeSpan Wait(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return TimeSpan.Zero;
        }

        var left = entry.LockedUntil - time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    public const int AddressShare = 10;

    public void Failed(string key, int freeFailures)
    {
        var now = time.GetUtcNow();
        if (_entries.Count >= MaxKeys)
        {
            Sweep(now);
        }

        _entries.AddOrUpdate(key, _ => Next(new Entry(0, now, now), now, freeFailures), (_, e) => Next(now - e.LastFailure > options.MaxLoginBackoff ? new Entry(0, now, now) : e, now, freeFailures));
    }

    public void Succeeded(string key) => _entries.TryRemove(key, out _);

    private Entry Next(Entry entry, DateTimeOffset now, int freeFailures)
    {
        var failures = entry.Failures + 1;
        var over = failures - freeFailures;
        if (over <= 0)
        {
            return new Entry(failures, now, now);
        }

        var wait = TimeSpan.FromTicks(Math.Min(options.MaxLoginBackoff.Ticks, options.LoginBackoff.Ticks * (1L << Math.Min(over - 1, 30))));
        return new Entry(failures, now, now + wait);
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
        {
            if (now - entry.LastFailure > options.MaxLoginBackoff)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    private readonly record struct Entry(int Failures, DateTimeOffset LastFailure, DateTimeOffset LockedUntil);
}
