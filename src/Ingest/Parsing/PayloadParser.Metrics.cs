using System.Text.Json;

namespace CityOps.Ingest.Parsing;

/// <summary>The <c>metrics</c> object of a reading: names, number values, the per-reading bound.</summary>
public sealed partial class PayloadParser
{
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

    private static bool IsNonFiniteWord(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("NaN"u8)
        || reader.ValueTextEquals("Infinity"u8)
        || reader.ValueTextEquals("-Infinity"u8)
        || reader.ValueTextEquals("+Infinity"u8);
}
