using System.Globalization;

namespace CityOps.Ingest.Influx;

/// <summary>
/// One spill file: its lines, read back in batches for replay. <c>spill-NNNNNNNN.ns.lp</c> holds nanosecond
/// timestamps; <c>spill-NNNNNNNN.lp</c> was written by versions that wrote milliseconds, and is converted on replay.
/// </summary>
public sealed record SpillSegment(string File, long Number, long Lines, long Bytes)
{
    public const string Suffix = ".ns.lp";

    /// <summary>Written before timestamps were nanoseconds: every line's timestamp is in milliseconds.</summary>
    public bool Milliseconds => !File.EndsWith(Suffix, StringComparison.Ordinal);

    public static string NameOf(long number) => $"spill-{number.ToString("D8", CultureInfo.InvariantCulture)}{Suffix}";

    public static SpillSegment Open(string file)
    {
        var bytes = System.IO.File.ReadAllBytes(file);
        var complete = bytes.AsSpan(0, bytes.AsSpan().LastIndexOf((byte)'\n') + 1);
        var name = Path.GetFileName(file);
        var number = long.Parse(name["spill-".Length..name.IndexOf('.', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
        return new SpillSegment(file, number, complete.Count((byte)'\n'), bytes.Length);
    }

    /// <summary>The complete lines, in batches of at most <paramref name="batchSize"/>; a torn last line is skipped.</summary>
    public IEnumerable<LineChunk> Read(int batchSize)
    {
        var bytes = System.IO.File.ReadAllBytes(File);
        var end = bytes.AsSpan().LastIndexOf((byte)'\n') + 1;
        if (end == 0)
        {
            return [];
        }

        var complete = Milliseconds ? ToNanoseconds(bytes.AsSpan(0, end)) : bytes[..end];
        return new LineChunk(complete, complete.AsSpan().Count((byte)'\n')).Split(batchSize);
    }

    // Every line ends with its timestamp: six more digits make milliseconds nanoseconds.
    private static byte[] ToNanoseconds(ReadOnlySpan<byte> lines)
    {
        var converted = new byte[lines.Length + (6 * lines.Count((byte)'\n'))];
        var at = 0;
        foreach (var range in lines.Split((byte)'\n'))
        {
            var line = lines[range];
            if (line.IsEmpty)
            {
                continue;
            }

            line.CopyTo(converted.AsSpan(at));
            at += line.Length;
            "000000\n"u8.CopyTo(converted.AsSpan(at));
            at += 7;
        }

        return converted[..at];
    }
}
