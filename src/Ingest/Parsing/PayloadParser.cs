using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using CityOps.Grains;

namespace CityOps.Ingest.Parsing;

/// <summary>
/// Parses telemetry payloads (CONTRACT §2): one JSON object, or an array of them from a gateway.
/// Stateless apart from the clock, so one instance can be shared by all ingest threads.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Whole-message rejects (too large, empty, not JSON or invalid UTF-8, wrong top-level shape, nesting
/// deeper than <see cref="MaxNestingDepth"/>) leave <c>output</c> as it was and add one error without index.</item>
/// <item>In a batch, a bad element adds one error carrying its index; the other elements are still parsed.</item>
/// <item>The first problem of an element is reported; the rest of the element is skipped.</item>
/// <item>Duplicate keys: the last one wins, for metric names and for top-level keys alike.</item>
/// <item><c>null</c> for an optional top-level field (<c>ts</c>, <c>seq</c>, <c>lat</c>, <c>lon</c>) means absent.</item>
/// <item><c>lat</c> and <c>lon</c> must come together; <c>-0</c> metric values are stored as <c>0</c>.</item>
/// <item>Timestamps before <see cref="MinTimestamp"/> are refused as <see cref="RejectReason.BadTimestamp"/>:
/// they come from devices whose clock was reset, or that send epoch seconds instead of milliseconds.</item>
/// </list>
/// </remarks>
public sealed class PayloadParser
{
    public const int MaxPayloadBytes = 64 * 1024;

    /// <summary>Distinct metrics per reading; bounds the work a hostile payload can cause.</summary>
    public const int MaxMetricsPerReading = 256;

    /// <summary>
    /// A valid payload nests three levels (batch, reading, metrics); anything deeper is only walked to
    /// skip it, and past this depth the message is refused as <see cref="RejectReason.BadShape"/>.
    /// </summary>
    public const int MaxNestingDepth = 8;

    private const long MinTimestampMs = 946_684_800_000; // 2000-01-01T00:00:00Z
    private const long MaxTimestampMs = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
    private const long MaxFutureSkewMs = 24 * 60 * 60 * 1000;
    private const int InitialMetricCapacity = 16;
    private const int MaxQuotedNumberLength = 32;

    // Escapes never lengthen text and \uXXXX is the longest (6 bytes for at least 1 byte), so any
    // string longer than this many raw bytes per expected byte is certainly too long.
    private const int MaxEscapeExpansion = 6;

    private static readonly JsonReaderOptions _readerOptions = new()
    {
        // Above MaxNestingDepth so our own depth check always fires first and we can name the problem.
        MaxDepth = MaxNestingDepth + 2,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    private static readonly SearchValues<byte> _jsonWhitespace = SearchValues.Create(" \t\r\n"u8);

    private readonly TimeProvider _time;
    private readonly IngestKinds _kinds;

    /// <param name="kinds">The physical ranges readings are checked against; none when null.</param>
    public PayloadParser(TimeProvider time, IngestKinds? kinds = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _kinds = kinds ?? IngestKinds.Default;
    }

    /// <summary>Earliest accepted reading time.</summary>
    public static DateTimeOffset MinTimestamp { get; } = DateTimeOffset.FromUnixTimeMilliseconds(MinTimestampMs);

    /// <summary>How far ahead of the server clock a reading's <c>ts</c> may be.</summary>
    public static TimeSpan MaxFutureSkew { get; } = TimeSpan.FromMilliseconds(MaxFutureSkewMs);

    /// <summary>
    /// Appends the readings of <paramref name="payload"/> to <paramref name="output"/> and its problems to
    /// <paramref name="errors"/> (nothing added to <paramref name="errors"/> = all good). Never throws for any payload.
    /// </summary>
    public void Parse(TelemetryTopic topic, ReadOnlySequence<byte> payload, List<Reading> output, List<ParseError> errors)
    {
        CheckArguments(topic, output, errors);

        if (payload.Length > MaxPayloadBytes)
        {
            errors.Add(TooLarge(payload.Length));
            return;
        }

        if (payload.IsSingleSegment)
        {
            Parse(topic, payload.FirstSpan, output, errors);
            return;
        }

        // UTF-8 validation needs contiguous bytes (a code point may straddle segments), and the copy is
        // bounded by MaxPayloadBytes and pooled.
        var length = (int)payload.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            payload.CopyTo(rented);
            Parse(topic, rented.AsSpan(0, length), output, errors);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <inheritdoc cref="Parse(TelemetryTopic, ReadOnlySequence{byte}, List{Reading}, List{ParseError})"/>
    public void Parse(TelemetryTopic topic, ReadOnlySpan<byte> payload, List<Reading> output, List<ParseError> errors)
    {
        CheckArguments(topic, output, errors);

        if (payload.Length > MaxPayloadBytes)
        {
            errors.Add(TooLarge(payload.Length));
            return;
        }

        // Some device SDKs prepend a byte order mark; Utf8JsonReader refuses it.
        if (payload.StartsWith("\uFEFF"u8))
        {
            payload = payload[3..];
        }

        if (payload.IndexOfAnyExcept(_jsonWhitespace) < 0)
        {
            errors.Add(new ParseError(RejectReason.Empty, "payload is empty", null));
            return;
        }

        // Utf8JsonReader does not validate UTF-8 inside strings, so do it once for the whole message.
        if (!Utf8.IsValid(payload))
        {
            errors.Add(new ParseError(RejectReason.NotJson, "payload is not valid UTF-8", null));
            return;
        }

        var outputStart = output.Count;
        var errorStart = errors.Count;
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var metrics = new MetricBuffer(InitialMetricCapacity);
        ParseError? fatal;
        var rootDone = true;
        try
        {
            var reader = new Utf8JsonReader(payload, _readerOptions);
            ReadOrThrow(ref reader);
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    fatal = ParseReading(ref reader, topic, nowMs, null, ref metrics, output, errors);
                    rootDone = fatal is null;
                    break;
                case JsonTokenType.StartArray:
                    fatal = ParseBatch(ref reader, topic, nowMs, ref metrics, output, errors);
                    rootDone = fatal is null || fatal.Value.Reason == RejectReason.Empty;
                    break;
                default:
                    fatal = new ParseError(
                        RejectReason.BadShape,
                        $"payload must be a JSON object or an array of objects, got {Describe(ref reader)}",
                        null);
                    break;
            }

            // Reading past the root value makes the reader reject trailing garbage ("{...} x", "{...}{...}"),
            // which must win over any shape error found so far. Not after giving up mid-value (too deep).
            if (rootDone && reader.Read())
            {
                fatal = new ParseError(RejectReason.NotJson, "payload has data after the JSON value", null);
            }
        }
        catch (JsonException ex)
        {
            fatal = new ParseError(RejectReason.NotJson, $"payload is not valid JSON: {ex.Message}", null);
        }
#pragma warning disable CA1031 // The ingest loop relies on Parse never throwing; a bug here must cost one message, not the pipeline.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            fatal = new ParseError(RejectReason.NotJson, $"internal parser error ({ex.GetType().Name}): {ex.Message}", null);
        }
        finally
        {
            metrics.Dispose();
        }

        if (fatal is { } whole)
        {
            output.RemoveRange(outputStart, output.Count - outputStart);
            errors.RemoveRange(errorStart, errors.Count - errorStart);
            errors.Add(whole);
        }
    }

    private static void CheckArguments(TelemetryTopic topic, List<Reading> output, List<ParseError> errors)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        if (topic.Kind is null || topic.DeviceId is null)
        {
            throw new ArgumentException("The topic must come from TopicParser.TryParse.", nameof(topic));
        }
    }

    /// <returns>A whole-message error, or null when the message stands (element errors go to <paramref name="errors"/>).</returns>
    private static ParseError? ParseBatch(
        ref Utf8JsonReader reader,
        TelemetryTopic topic,
        long nowMs,
        ref MetricBuffer metrics,
        List<Reading> output,
        List<ParseError> errors)
    {
        var index = 0;
        while (true)
        {
            ReadOrThrow(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                break;
            }

            if (reader.TokenType == JsonTokenType.StartObject)
            {
                if (ParseReading(ref reader, topic, nowMs, index, ref metrics, output, errors) is { } fatal)
                {
                    return fatal;
                }
            }
            else
            {
                errors.Add(new ParseError(RejectReason.BadShape, $"batch element must be an object, got {Describe(ref reader)}", index));
                if (!TrySkipValue(ref reader))
                {
                    return TooDeep();
                }
            }

            index++;
        }

        return index == 0 ? new ParseError(RejectReason.Empty, "batch array is empty", null) : null;
    }

    /// <summary>Parses one reading object; the reader is on its StartObject and is left on its EndObject.</summary>
    private static ParseError? ParseReading(
        ref Utf8JsonReader reader,
        TelemetryTopic topic,
        long nowMs,
        int? index,
        ref MetricBuffer metrics,
        List<Reading> output,
        List<ParseError> errors)
    {
        var objectDepth = reader.CurrentDepth;
        var timestampMs = nowMs;
        long? seq = null;
        double? lat = null;
        double? lon = null;
        var hasMetrics = false;
        ParseError? error = null;
        metrics.Clear();

        while (true)
        {
            ReadOrThrow(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            if (reader.ValueTextEquals("metrics"u8))
            {
                ReadOrThrow(ref reader);
                hasMetrics = true;
                error = reader.TokenType == JsonTokenType.StartObject
                    ? ParseMetrics(ref reader, ref metrics)
                    : new ParseError(RejectReason.BadShape, $"metrics: expected an object of numbers, got {Describe(ref reader)}", null);
            }
            else if (reader.ValueTextEquals("ts"u8))
            {
                ReadOrThrow(ref reader);
                error = ReadTimestamp(ref reader, nowMs, ref timestampMs);
            }
            else if (reader.ValueTextEquals("seq"u8))
            {
                ReadOrThrow(ref reader);
                error = ReadSeq(ref reader, ref seq);
            }
            else if (reader.ValueTextEquals("lat"u8))
            {
                ReadOrThrow(ref reader);
                error = ReadCoordinate(ref reader, "lat", 90, ref lat);
            }
            else if (reader.ValueTextEquals("lon"u8))
            {
                ReadOrThrow(ref reader);
                error = ReadCoordinate(ref reader, "lon", 180, ref lon);
            }
            else
            {
                // Unknown keys are ignored so devices can send newer fields before the engine knows them.
                ReadOrThrow(ref reader);
                if (!TrySkipValue(ref reader))
                {
                    return TooDeep();
                }
            }

            if (error is not null)
            {
                // Consume the rest of this element so the batch can go on with the next one.
                if (!TrySkipToEndOfObject(ref reader, objectDepth))
                {
                    return TooDeep();
                }

                break;
            }
        }

        error ??= !hasMetrics
            ? new ParseError(RejectReason.BadShape, "metrics is required", null)
            : lat.HasValue != lon.HasValue
                ? new ParseError(RejectReason.BadShape, "lat and lon must be sent together", null)
                : null;

        if (error is { } problem)
        {
            errors.Add(problem with { Index = index });
            return null;
        }

        output.Add(new Reading(topic.DeviceId, topic.Kind, timestampMs, seq, metrics.ToImmutableArray(), lat, lon));
        return null;
    }

    /// <summary>Reader on the metrics StartObject; on success it is left on the matching EndObject.</summary>
    private static ParseError? ParseMetrics(ref Utf8JsonReader reader, ref MetricBuffer metrics)
    {
        // A second "metrics" key replaces the first (last key wins).
        metrics.Clear();
        Span<byte> nameScratch = stackalloc byte[MetricNames.MaxLength * MaxEscapeExpansion];
        while (true)
        {
            ReadOrThrow(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return metrics.Count == 0
                    ? new ParseError(RejectReason.BadShape, "metrics is empty; send at least one metric", null)
                    : null;
            }

            scoped ReadOnlySpan<byte> nameBytes = reader.ValueSpan;
            if (reader.HasValueSequence || reader.ValueIsEscaped)
            {
                var length = CopyUnescaped(ref reader, nameScratch);
                nameBytes = length < 0 ? default : nameScratch[..length];
            }

            if (!MetricNames.IsValid(nameBytes))
            {
                return new ParseError(
                    RejectReason.BadType,
                    $"metrics: name {DiagnosticText.Quote(reader.GetString())} is invalid; use 1-{MetricNames.MaxLength} characters of A-Z, a-z, 0-9 or _",
                    null);
            }

            var name = MetricNames.Get(nameBytes);
            ReadOrThrow(ref reader);
            double value;
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    // TryGetDouble yields ±Infinity for literals beyond double's range (1e400).
                    if (!reader.TryGetDouble(out value) || !double.IsFinite(value))
                    {
                        return new ParseError(
                            RejectReason.NotFinite,
                            $"metrics.{name}: {RawNumber(ref reader)} is outside the range of a double",
                            null);
                    }

                    if (value == 0)
                    {
                        // Folds -0 into 0 so stored values and rule comparisons never see a negative zero.
                        value = 0;
                    }

                    break;
                case JsonTokenType.True:
                    value = 1;
                    break;
                case JsonTokenType.False:
                    value = 0;
                    break;
                case JsonTokenType.String when IsNonFiniteWord(ref reader):
                    return new ParseError(
                        RejectReason.BadType,
                        $"metrics.{name}: expected a number, got the string {DiagnosticText.Quote(reader.GetString())}; NaN and Infinity are not allowed",
                        null);
                default:
                    return new ParseError(RejectReason.BadType, $"metrics.{name}: expected a number, got {Describe(ref reader)}", null);
            }

            if (!metrics.Set(name, value, MaxMetricsPerReading))
            {
                return new ParseError(RejectReason.BadShape, $"metrics: more than {MaxMetricsPerReading} metrics in one reading", null);
            }
        }
    }

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

    private static bool IsNonFiniteWord(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("NaN"u8)
        || reader.ValueTextEquals("Infinity"u8)
        || reader.ValueTextEquals("-Infinity"u8)
        || reader.ValueTextEquals("+Infinity"u8);

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

    private static string FormatMs(long unixMs) =>
        unixMs is < -62_135_596_800_000 or > MaxTimestampMs
            ? unixMs.ToString(CultureInfo.InvariantCulture) // e.g. 0001-01-01T00:00:00+01:00, before DateTimeOffset.MinValue
            : DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static ParseError TooLarge(long length) =>
        new(RejectReason.TooLarge, $"payload is {length} bytes; the limit is {MaxPayloadBytes}", null);

    private static ParseError TooDeep() =>
        new(RejectReason.BadShape, $"JSON is nested deeper than {MaxNestingDepth} levels", null);
}
