namespace CityOps.Ingest.Influx;

/// <summary>
/// 64-bit FNV-1a: a hash that is the same in every process and on every machine (string.GetHashCode is not), for
/// placing points deterministically, so a reading written again after a restart lands on the same point.
/// </summary>
internal static class Fnv
{
    public const ulong Offset = 14695981039346656037;

    private const ulong Prime = 1099511628211;

    public static ulong Add(ulong hash, string text)
    {
        foreach (var c in text)
        {
            hash = (hash ^ (byte)c) * Prime;
            hash = (hash ^ (byte)(c >> 8)) * Prime;
        }

        // A separator, so ("ab", "c") and ("a", "bc") differ.
        return (hash ^ 0xff) * Prime;
    }

    public static ulong Add(ulong hash, long value)
    {
        for (var i = 0; i < 8; i++)
        {
            hash = (hash ^ (byte)(value >> (8 * i))) * Prime;
        }

        return hash;
    }
}
