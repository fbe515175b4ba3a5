using System.Buffers;
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
public sealed partial class PayloadParser
{
    public const int MaxPayloadBytes = 64 * 1024;

    /// <summary>Distinct metrics per reading; bounds the work a hostile payload can cause.</summary>
    public const int MaxMetricsPerReading = 256;

    /// <summary>
    /// A valid payload nests three levels (batch, reading, metrics); anything deeper is only walked to
    /// skip it, and past this depth the message is refused as <see cref="RejectReason.BadShape"/>.
    /// </summary>
    public const int MaxNestingDepth = 8;

    private const int InitialMetricCapacity = 16;

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

    private static ParseError TooLarge(long length) =>
        new(RejectReason.TooLarge, $"payload is {length} bytes; the limit is {MaxPayloadBytes}", null);

    private static ParseError TooDeep() =>
        new(RejectReason.BadShape, $"JSON is nested deeper than {MaxNestingDepth} levels", null);
}
