namespace CityOps.Ingest.Influx;

/// <summary>Complete lines of line protocol (each ends with '\n'), and how many.</summary>
public readonly record struct LineChunk(byte[] Bytes, int Lines)
{
    public static readonly LineChunk Empty = new([], 0);

    public int Length => Bytes.Length;

    /// <summary>Splits into chunks of at most <paramref name="maxLines"/> lines each, at line ends.</summary>
    public IEnumerable<LineChunk> Split(int maxLines)
    {
        if (Lines <= maxLines)
        {
            yield return this;
            yield break;
        }

        var start = 0;
        var lines = 0;
        for (var i = 0; i < Bytes.Length; i++)
        {
            if (Bytes[i] == (byte)'\n' && ++lines == maxLines)
            {
                yield return new LineChunk(Bytes[start..(i + 1)], lines);
                start = i + 1;
                lines = 0;
            }
        }

        if (start < Bytes.Length)
        {
            yield return new LineChunk(Bytes[start..], lines);
        }
    }

    /// <summary>Two halves by line count (for finding the one bad line in a refused batch).</summary>
    public (LineChunk First, LineChunk Second) Halve()
    {
        var half = Lines / 2;
        var seen = 0;
        for (var i = 0; i < Bytes.Length; i++)
        {
            if (Bytes[i] == (byte)'\n' && ++seen == half)
            {
                return (new LineChunk(Bytes[..(i + 1)], half), new LineChunk(Bytes[(i + 1)..], Lines - half));
            }
        }

        return (this, Empty);
    }

    /// <summary>Joins chunks into one request body.</summary>
    public static LineChunk Concat(IReadOnlyList<LineChunk> chunks)
    {
        if (chunks.Count == 1)
        {
            return chunks[0];
        }

        var bytes = new byte[chunks.Sum(c => c.Length)];
        var offset = 0;
        var lines = 0;
        foreach (var chunk in chunks)
        {
            chunk.Bytes.CopyTo(bytes, offset);
            offset += chunk.Length;
            lines += chunk.Lines;
        }

        return new LineChunk(bytes, lines);
    }
}
