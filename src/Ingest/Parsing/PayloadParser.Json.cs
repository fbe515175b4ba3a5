using System.Buffers;
using System.Text;
using System.Text.Json;

namespace CityOps.Ingest.Parsing;

/// <summary>Reader helpers: unescaping into scratch, skipping values within the nesting bound, and describing a token in an error.</summary>
public sealed partial class PayloadParser
{
    private const int MaxQuotedNumberLength = 32;

    /// <summary>
    /// Unescapes the current string or property name into <paramref name="scratch"/>; returns its length,
    /// or -1 when it may not fit (callers size scratch so that such text is invalid anyway).
    /// </summary>
    private static int CopyUnescaped(ref Utf8JsonReader reader, scoped Span<byte> scratch)
    {
        // Unescaping never lengthens text, so the raw length is a safe upper bound.
        var rawLength = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        return rawLength > scratch.Length ? -1 : reader.CopyString(scratch);
    }

    /// <summary>Skips the value the reader is on; false when it nests deeper than <see cref="MaxNestingDepth"/>.</summary>
    private static bool TrySkipValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return true;
        }

        var depth = reader.CurrentDepth;
        if (depth >= MaxNestingDepth)
        {
            return false;
        }

        while (true)
        {
            ReadOrThrow(ref reader);
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray when reader.CurrentDepth >= MaxNestingDepth:
                    return false;
                case JsonTokenType.EndObject or JsonTokenType.EndArray when reader.CurrentDepth == depth:
                    return true;
            }
        }
    }

    /// <summary>Reads on to the EndObject of the object opened at <paramref name="objectDepth"/>.</summary>
    private static bool TrySkipToEndOfObject(ref Utf8JsonReader reader, int objectDepth)
    {
        while (true)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray when reader.CurrentDepth >= MaxNestingDepth:
                    return false;
                case JsonTokenType.EndObject when reader.CurrentDepth == objectDepth:
                    return true;
            }

            ReadOrThrow(ref reader);
        }
    }

    private static void ReadOrThrow(ref Utf8JsonReader reader)
    {
        // With isFinalBlock the reader itself throws on truncated JSON; this only guards the contract.
        if (!reader.Read())
        {
            throw new JsonException("payload ended before the JSON value was complete");
        }
    }

    private static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => RawNumber(ref reader),
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => "unexpected JSON",
    };

    private static string RawNumber(ref Utf8JsonReader reader)
    {
        // Numbers are ASCII; quote at most a prefix so a 60 KB digit string stays out of the message.
        ReadOnlySpan<byte> raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
        return raw.Length <= MaxQuotedNumberLength
            ? Encoding.ASCII.GetString(raw)
            : $"{Encoding.ASCII.GetString(raw[..MaxQuotedNumberLength])}… ({raw.Length} digits)";
    }
}
