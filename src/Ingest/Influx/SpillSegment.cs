using System.Globalization;

namespace CityOps.Ingest.Influx;

/// <summary>One spill file: its lines, read back in batches for replay.</summary>
public sealed record SpillSegment(string File, long Number, long Lines, long Bytes)
{
    public static SpillSegment Open(string file)
    {
        var bytes = System.IO.File.ReadAllBytes(file);
        var complete = bytes.AsSpan(0, bytes.AsSpan().LastIndexOf((byte)'\n') + 1);
        var number = long.Parse(Path.GetFileNameWithoutExtension(file)["spill-".Length..], CultureInfo.InvariantCulture);
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

        var complete = bytes[..end];
        return new LineChunk(complete, complete.AsSpan().Count((byte)'\n')).Split(batchSize);
    }
}
