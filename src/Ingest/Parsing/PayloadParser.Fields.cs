using System.Globalization;
using System.Text.Json;

namespace CityOps.Ingest.Parsing;

/// <summary>The optional fields of a reading: <c>ts</c> (RFC 3339 or epoch milliseconds, within bounds), <c>seq</c>, <c>lat</c>/<c>lon</c>.</summary>
public sealed partial class PayloadParser
{
    private const long MinTimestampMs = 946_684_800_000; // 2000-01-01T00:00:00Z
    private const long MaxTimestampMs = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
    private const long MaxFutureSkewMs = 24 * 60 * 60 * 1000;

    private static ParseError? ReadTimestamp(ref Utf8JsonReader reader, long nowMs, ref long timestampMs)
    {
        long value;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                timestampMs = nowMs;
                return null;
            case JsonTokenType.String:
                Span<byte> scratch = stackalloc byte[Rfc3339.MaxLength * MaxEscapeExpansion];
                scoped ReadOnlySpan<byte> text = reader.ValueSpan;
                if (reader.HasValueSequence || reader.ValueIsEscaped)
                {
                    var length = CopyUnescaped(ref reader, scratch);
                    text = length < 0 ? default : scratch[..length];
                }

                if (!Rfc3339.TryParseUnixMilliseconds(text, out value, out var missingOffset))
                {
                    var shown = DiagnosticText.Quote(reader.GetString());
                    return new ParseError(
                        RejectReason.BadTimestamp,
                        missingOffset
                            ? $"ts: {shown} has no UTC offset; add Z or an offset such as +08:00"
                            : $"ts: {shown} is not an RFC 3339 date-time such as 2026-07-20T08:15:00Z",
                        null);
                }

                break;
            case JsonTokenType.Number:
                if (!reader.TryGetInt64(out value))
                {
                    return new ParseError(
                        RejectReason.BadTimestamp,
                        $"ts: {RawNumber(ref reader)} is not an integer number of epoch milliseconds",
                        null);
                }

                if (value < 0)
                {
                    return new ParseError(RejectReason.BadTimestamp, $"ts: {value} is negative; expected epoch milliseconds", null);
                }

                break;
            default:
                return new ParseError(
                    RejectReason.BadTimestamp,
                    $"ts: expected an RFC 3339 string or epoch milliseconds, got {Describe(ref reader)}",
                    null);
        }

        if (value < MinTimestampMs)
        {
            return new ParseError(
                RejectReason.BadTimestamp,
                $"ts: {FormatMs(value)} is before {FormatMs(MinTimestampMs)} (device clock not set, or epoch seconds instead of milliseconds?)",
                null);
        }

        if (value > MaxTimestampMs)
        {
            return new ParseError(RejectReason.BadTimestamp, $"ts: {value} is beyond the year 9999", null);
        }

        if (value > nowMs + MaxFutureSkewMs)
        {
            return new ParseError(
                RejectReason.FutureTimestamp,
                $"ts: {FormatMs(value)} is more than 1 day ahead of the server clock ({FormatMs(nowMs)})",
                null);
        }

        timestampMs = value;
        return null;
    }

    private static ParseError? ReadSeq(ref Utf8JsonReader reader, ref long? seq)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            seq = null;
            return null;
        }

        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) && value >= 0)
        {
            seq = value;
            return null;
        }

        return new ParseError(RejectReason.BadType, $"seq: expected a non-negative integer, got {Describe(ref reader)}", null);
    }

    private static ParseError? ReadCoordinate(ref Utf8JsonReader reader, string field, double limit, ref double? coordinate)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            coordinate = null;
            return null;
        }

        if (reader.TokenType == JsonTokenType.Number
            && reader.TryGetDouble(out var value)
            && double.IsFinite(value)
            && value >= -limit
            && value <= limit)
        {
            coordinate = value;
            return null;
        }

        return new ParseError(
            RejectReason.BadType,
            $"{field}: expected a number from -{limit} to {limit}, got {Describe(ref reader)}",
            null);
    }

    private static string FormatMs(long unixMs) =>
        unixMs is < -62_135_596_800_000 or > MaxTimestampMs
            ? unixMs.ToString(CultureInfo.InvariantCulture) // e.g. 0001-01-01T00:00:00+01:00, before DateTimeOffset.MinValue
            : DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
