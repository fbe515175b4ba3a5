using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace CityOps.Ingest;

/// <summary>
/// Rejected messages waiting to be republished. Never blocks ingestion: when 10,000 are waiting
/// (the broker is gone, or a device floods garbage) further ones are only counted.
/// </summary>
public sealed class DeadLetterQueue
{
    /// <summary>A dead letter carries at most this much of the original payload, so garbage is not amplified.</summary>
    public const int MaxEchoedBytes = 4096;

    private readonly Channel<DeadLetter> _channel = Channel.CreateBounded<DeadLetter>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    /// <summary>
    /// Dead letters republished for one message at most: a 64 KiB gateway batch of 13,000 bad elements would
    /// otherwise become 13,000 letters, each echoing 4 KiB of it (and crowd out everyone else's).
    /// </summary>
    public const int MaxLettersPerMessage = 20;

    public ChannelReader<DeadLetter> Reader => _channel.Reader;

    /// <summary>
    /// Rejects what the parser refused in one message: every error counted, the first
    /// <see cref="MaxLettersPerMessage"/> republished, then one letter saying how many more there were.
    /// </summary>
    public void Reject(string topic, IReadOnlyList<Parsing.ParseError> errors, in ReadOnlySequence<byte> payload, DateTimeOffset receivedAt)
    {
        for (var i = 0; i < errors.Count; i++)
        {
            var error = errors[i];
            if (i < MaxLettersPerMessage)
            {
                Reject(topic, Parsing.RejectReasons.Label(error.Reason), error.Message, payload, receivedAt, error.Index);
            }
            else
            {
                IngestMetrics.Rejected.WithLabels(Parsing.RejectReasons.Label(error.Reason)).Inc();
            }
        }

        if (errors.Count > MaxLettersPerMessage)
        {
            var first = errors[MaxLettersPerMessage];
            _channel.Writer.TryWrite(new DeadLetter(topic, Parsing.RejectReasons.Label(first.Reason),
                $"{errors.Count - MaxLettersPerMessage} more elements of this batch were rejected (counted in cityops_ingest_rejected_total, not republished one by one)",
                ReadOnlyMemory<byte>.Empty, receivedAt, first.Index));
        }
    }

    public void Reject(string topic, string reason, string error, in ReadOnlySequence<byte> payload, DateTimeOffset receivedAt, int? index = null)
    {
        IngestMetrics.Rejected.WithLabels(reason).Inc();
        var echoed = payload.Length > MaxEchoedBytes ? payload.Slice(0, MaxEchoedBytes) : payload;
        _channel.Writer.TryWrite(new DeadLetter(topic, reason, error, echoed.ToArray(), receivedAt, index));
    }

    /// <summary>The JSON body published for a dead letter.</summary>
    public static byte[] Serialize(DeadLetter letter)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + letter.Payload.Length * 2);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("reason", letter.Reason);
            writer.WriteString("error", letter.Error);
            writer.WriteString("topic", letter.Topic);
            writer.WriteString("receivedAt", letter.ReceivedAt);
            if (letter.Index is { } index)
            {
                writer.WriteNumber("index", index);
            }

            if (IsUtf8(letter.Payload.Span))
            {
                writer.WriteString("payload", Encoding.UTF8.GetString(letter.Payload.Span));
            }
            else
            {
                writer.WriteBase64String("payloadBase64", letter.Payload.Span);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static bool IsUtf8(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);
}
