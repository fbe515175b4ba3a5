using System.Buffers;
using System.Globalization;
using System.Text;

namespace CityOps.Ingest.Influx;

/// <summary>
/// Writes InfluxDB line protocol (UTF-8) into a growable buffer, one point at a time:
/// <c>Measurement(...).Tag(...).Field(...).End(ms, nanos)</c>, timestamps in nanoseconds. Escaping follows the protocol: commas and
/// spaces in measurements; commas, equals signs and spaces in tag keys, tag values and field keys;
/// double quotes and backslashes in string field values. What line protocol cannot carry is
/// replaced, never sent broken: an empty tag value leaves the tag out, a non-finite float leaves
/// the field out, a point without fields is not written, line breaks become spaces, and a
/// backslash in a name or tag value becomes '/' (InfluxDB 1.x reads a trailing one as an escape).
/// </summary>
public sealed class LineBuilder
{
    // What needs escaping or replacing; everything else is copied as UTF-8 in one go.
    private static readonly SearchValues<char> MeasurementSpecial = SearchValues.Create(", \\\n\r\t");
    private static readonly SearchValues<char> TagSpecial = SearchValues.Create(",= \\\n\r\t");
    private static readonly SearchValues<char> StringSpecial = SearchValues.Create("\"\\\n\r");

    // Milliseconds whose nanosecond timestamps fit a long, as InfluxDB stores them.
    private const long MinMs = (long.MinValue / 1_000_000) + 1;
    private const long MaxMs = (long.MaxValue - 999_999) / 1_000_000;

    private byte[] _bytes;
    private int _length;
    private int _lineStart;
    private int _seriesEnd;
    private bool _hasField;

    // The points of this builder by (time in ns, series hash): where each line's series and fields are.
    private Dictionary<(long At, long Series), (int Start, int SeriesEnd, int FieldsEnd)>? _taken;

    public LineBuilder(int capacity = 4096) => _bytes = new byte[Math.Max(capacity, 256)];

    /// <summary>Complete lines written.</summary>
    public int Lines { get; private set; }

    public int Length => _length;

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, _length);

    public LineBuilder Measurement(string name)
    {
        _lineStart = _length;
        _hasField = false;
        WriteName(name, tagLike: false);
        return this;
    }

    /// <summary>A tag; left out when the value is null or empty (line protocol has no empty tag values).</summary>
    public LineBuilder Tag(string key, string? value)
    {
        if (string.IsNullOrEmpty(value) || key.Length == 0)
        {
            return this;
        }

        WriteByte((byte)',');
        WriteName(key, tagLike: true);
        WriteByte((byte)'=');
        WriteName(value, tagLike: true);
        return this;
    }

    public LineBuilder Field(string key, double value)
    {
        if (!double.IsFinite(value) || !BeginField(key))
        {
            return this;
        }

        // Shortest round-trip form: "23.5", "1E-05", "-0"; all parse as InfluxDB floats.
        Ensure(32);
        value.TryFormat(_bytes.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture);
        _length += written;
        return this;
    }

    public LineBuilder Field(string key, double? value) => value is { } v ? Field(key, v) : this;

    public LineBuilder Field(string key, long value)
    {
        if (!BeginField(key))
        {
            return this;
        }

        Ensure(24);
        value.TryFormat(_bytes.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture);
        _length += written;
        WriteByte((byte)'i');
        return this;
    }

    public LineBuilder Field(string key, bool value)
    {
        if (BeginField(key))
        {
            WriteAscii(value ? "true" : "false");
        }

        return this;
    }

    /// <summary>A string field; left out when the value is null.</summary>
    public LineBuilder Field(string key, string? value)
    {
        if (value is null || !BeginField(key))
        {
            return this;
        }

        WriteByte((byte)'"');
        var rest = value.AsSpan();
        while (true)
        {
            var special = rest.IndexOfAny(StringSpecial);
            WriteUtf8(special < 0 ? rest : rest[..special]);
            if (special < 0)
            {
                break;
            }

            switch (rest[special])
            {
                case '"' or '\\':
                    WriteByte((byte)'\\');
                    WriteByte((byte)rest[special]);
                    break;
                default:
                    WriteByte((byte)' ');
                    break;
            }

            rest = rest[(special + 1)..];
        }

        WriteByte((byte)'"');
        return this;
    }

    /// <summary>
    /// Ends the point with its timestamp: milliseconds plus <paramref name="nanos"/> (0–999,999) within that millisecond,
    /// written in nanoseconds (the writer sends <c>precision=ns</c>). A point without fields is dropped. When this
    /// builder already holds a different point of the same series at that instant, the point moves to the next free
    /// nanosecond of the same millisecond, so InfluxDB keeps both; an identical point (a redelivery) stays where it is.
    /// </summary>
    public void End(long timestampMs, int nanos = 0)
    {
        if (!_hasField)
        {
            _length = _lineStart;
            return;
        }

        var fieldsEnd = _length;
        WriteByte((byte)' ');
        Ensure(32);
        if (timestampMs is >= MinMs and <= MaxMs)
        {
            var at = (timestampMs * 1_000_000) + Free(timestampMs * 1_000_000, Math.Clamp(nanos, 0, 999_999), fieldsEnd);
            at.TryFormat(_bytes.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture);
            _length += written;
        }
        else
        {
            // Beyond what InfluxDB can store (1677–2262): sent as written, so InfluxDB refuses it and it is counted as dropped.
            timestampMs.TryFormat(_bytes.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture);
            _length += written;
            WriteAscii("000000");
        }

        WriteByte((byte)'\n');
        _lineStart = _length;
        Lines++;
    }

    /// <summary>The lines written so far, copied out; the builder is then empty again.</summary>
    public LineChunk Take()
    {
        var chunk = new LineChunk(_bytes.AsSpan(0, _lineStart).ToArray(), Lines);
        Clear();
        return chunk;
    }

    public void Clear()
    {
        _taken?.Clear();
        _length = _lineStart = _seriesEnd = 0;
        Lines = 0;
        _hasField = false;
    }

    public override string ToString() => Encoding.UTF8.GetString(Written);

    // The first nanosecond from `nanos` on (wrapping within the millisecond) where this builder holds no other point
    // of the series; the same point again (same series and fields) keeps its place, so a redelivery overwrites itself.
    private int Free(long msAsNs, int nanos, int fieldsEnd)
    {
        var series = _bytes.AsSpan(_lineStart, _seriesEnd - _lineStart);
        var fields = _bytes.AsSpan(_seriesEnd, fieldsEnd - _seriesEnd);
        var seriesHash = Hash(series);
        _taken ??= [];
        for (var probe = 0; probe < 1_000_000; probe++)
        {
            var candidate = (nanos + probe) % 1_000_000;
            var key = (msAsNs + candidate, seriesHash);
            if (!_taken.TryGetValue(key, out var other))
            {
                _taken[key] = (_lineStart, _seriesEnd, fieldsEnd);
                return candidate;
            }

            if (series.SequenceEqual(_bytes.AsSpan(other.Start, other.SeriesEnd - other.Start))
                && fields.SequenceEqual(_bytes.AsSpan(other.SeriesEnd, other.FieldsEnd - other.SeriesEnd)))
            {
                return candidate;
            }
        }

        return nanos;
    }

    private static long Hash(ReadOnlySpan<byte> bytes)
    {
        var low = default(HashCode);
        low.AddBytes(bytes);
        var high = default(HashCode);
        high.Add(0x5bd1e995);
        high.AddBytes(bytes);
        return ((long)high.ToHashCode() << 32) | (uint)low.ToHashCode();
    }

    private bool BeginField(string key)
    {
        if (key.Length == 0)
        {
            return false;
        }

        if (!_hasField)
        {
            _seriesEnd = _length;
        }

        WriteByte(_hasField ? (byte)',' : (byte)' ');
        _hasField = true;
        WriteName(key, tagLike: true);
        WriteByte((byte)'=');
        return true;
    }

    // Measurements escape commas and spaces; tag keys, tag values and field keys also equals signs.
    private void WriteName(string name, bool tagLike)
    {
        var rest = name.AsSpan();
        while (true)
        {
            var special = rest.IndexOfAny(tagLike ? TagSpecial : MeasurementSpecial);
            WriteUtf8(special < 0 ? rest : rest[..special]);
            if (special < 0)
            {
                return;
            }

            switch (rest[special])
            {
                case '\\':
                    WriteByte((byte)'/');
                    break;
                case '\n' or '\r' or '\t':
                    WriteByte((byte)'\\');
                    WriteByte((byte)' ');
                    break;
                default:
                    WriteByte((byte)'\\');
                    WriteByte((byte)rest[special]);
                    break;
            }

            rest = rest[(special + 1)..];
        }
    }

    private void WriteUtf8(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        Ensure(Encoding.UTF8.GetMaxByteCount(text.Length));
        _length += Encoding.UTF8.GetBytes(text, _bytes.AsSpan(_length));
    }

    private void WriteAscii(string text)
    {
        Ensure(text.Length);
        foreach (var c in text)
        {
            _bytes[_length++] = (byte)c;
        }
    }

    private void WriteByte(byte value)
    {
        Ensure(1);
        _bytes[_length++] = value;
    }

    private void Ensure(int more)
    {
        if (_length + more > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + more));
        }
    }
}
