using System.Collections.Concurrent;
using System.Text;

namespace CityOps.Ingest.Parsing;

/// <summary>
/// Turns metric names (validated UTF-8 bytes) into strings without allocating in the steady state:
/// canonical names of the contract are fixed instances, other names are interned in a bounded cache.
/// </summary>
internal static class MetricNames
{
    public const int MaxLength = 64;

    // Unknown devices could send endless distinct names; past this many, names are allocated per reading
    // instead of growing memory forever.
    private const int MaxCachedCustomNames = 4096;

    private static readonly string[] _canonicalNames =
    [
        "depth_cm", "tilt_deg", "open", "water_gap_cm", "gas_ch4_lel", "battery_pct", "temp_c",
        "on", "current_a", "voltage_v", "power_w", "speed_kmh", "heading_deg", "lid_closed",
    ];

    // Bucketed by byte length so a lookup compares against two or three candidates, not all fourteen.
    private static readonly (byte[] Utf8, string Name)[][] _canonicalByLength = BuildBuckets(_canonicalNames);

    private static readonly ConcurrentDictionary<string, string> _custom = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _customLookup =
        _custom.GetAlternateLookup<ReadOnlySpan<char>>();

    private static int _customCount;

    public static IReadOnlyList<string> Canonical => _canonicalNames;

    /// <summary>True for 1-64 bytes of <c>[A-Za-z0-9_]</c>: they become InfluxDB field keys unescaped.</summary>
    public static bool IsValid(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || name.Length > MaxLength)
        {
            return false;
        }

        foreach (var b in name)
        {
            if (!((uint)(b - 'a') <= 'z' - 'a' || (uint)(b - 'A') <= 'Z' - 'A' || (uint)(b - '0') <= 9 || b == '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The string for a name that passed <see cref="IsValid"/>.</summary>
    public static string Get(ReadOnlySpan<byte> name)
    {
        if (name.Length < _canonicalByLength.Length)
        {
            foreach (var (utf8, canonical) in _canonicalByLength[name.Length])
            {
                if (name.SequenceEqual(utf8))
                {
                    return canonical;
                }
            }
        }

        // Valid names are ASCII, so each byte widens to one char.
        Span<char> chars = stackalloc char[MaxLength];
        chars = chars[..name.Length];
        for (var i = 0; i < name.Length; i++)
        {
            chars[i] = (char)name[i];
        }

        if (_customLookup.TryGetValue(chars, out var cached))
        {
            return cached;
        }

        var created = new string(chars);
        // A counter of our own because ConcurrentDictionary.Count takes every lock.
        if (Volatile.Read(ref _customCount) < MaxCachedCustomNames)
        {
            var winner = _custom.GetOrAdd(created, created);
            if (ReferenceEquals(winner, created))
            {
                Interlocked.Increment(ref _customCount);
            }

            created = winner;
        }

        return created;
    }

    private static (byte[] Utf8, string Name)[][] BuildBuckets(string[] names)
    {
        var buckets = new (byte[] Utf8, string Name)[names.Max(n => n.Length) + 1][];
        for (var length = 0; length < buckets.Length; length++)
        {
            buckets[length] = names.Where(n => n.Length == length).Select(n => (Encoding.UTF8.GetBytes(n), n)).ToArray();
        }

        return buckets;
    }
}
