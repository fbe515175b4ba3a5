using System.Buffers;
using CityOps.Grains;
using CityOps.Ingest.Edge;
using CityOps.Ingest.Parsing;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Ingest;

/// <summary>
/// Where an MQTT message becomes readings, once, whichever edge received it (the client on an external
/// broker or the embedded broker itself): topic and payload parsed, rejects counted and dead-lettered,
/// readings written to the bounded ingest channel.
/// </summary>
public sealed class MessageIntake(IngestChannel channel, DeadLetterQueue deadLetters, IngestKinds kinds, TimeProvider time)
{
    private const string TelemetryFilter = "city/+/+/telemetry";

    // Parse runs on many connections' threads at once, and almost every message has no error: one list per thread.
    [ThreadStatic]
    private static List<ParseError>? t_errors;

    private readonly TopicParser _topics = new(kinds.Names);
    private readonly PayloadParser _payloads = new(time, kinds);

    /// <summary>True for the topics CityOps ingests (<c>city/+/+/telemetry</c>), as the subscription would select them.</summary>
    public static bool IsTelemetry(string topic) =>
        MqttTopicFilterComparer.Compare(topic, TelemetryFilter) == MqttTopicFilterCompareResult.IsMatch;

    /// <summary>
    /// The readings of one message; what is wrong with it goes to the dead-letter topic and the reject
    /// counters. <see cref="IntakeResult.Readings"/> is null when nothing in it was accepted, and
    /// <see cref="IntakeResult.Error"/> then says why.
    /// </summary>
    public IntakeResult Parse(string topic, in ReadOnlySequence<byte> payload)
    {
        var receivedAt = time.GetUtcNow();
        IngestMetrics.Messages.Inc();
        if (!_topics.TryParse(topic, out var parsed, out var topicReason, out var topicError))
        {
            deadLetters.Reject(topic, RejectReasons.Label(topicReason), topicError, payload, receivedAt);
            return new IntakeResult(null, topicError, BadTopic: true);
        }

        var readings = new List<Reading>(1);
        var errors = t_errors ??= [];
        _payloads.Parse(parsed, payload, readings, errors);
        deadLetters.Reject(topic, errors, payload, receivedAt);
        var error = errors.Count > 0 ? errors[0].Message : "no readings";
        errors.Clear();
        return readings.Count > 0
            ? new IntakeResult(readings, null, BadTopic: false)
            : new IntakeResult(null, error, BadTopic: false);
    }

    /// <summary>
    /// One message from a broker client (the session adopter's): parsed, and its readings handed to the dispatcher.
    /// A QoS 1/2 message is acknowledged only once its device grain accepted it (the dispatcher calls back); a rejected
    /// one at once, as the dead-letter topic holds it. <paramref name="settled"/> runs when the broker no longer waits for
    /// this message.
    /// </summary>
    public async Task ReceiveAsync(MqttApplicationMessageReceivedEventArgs e, CancellationToken cancellationToken, Action? settled = null)
    {
        var message = e.ApplicationMessage;
        Func<CancellationToken, Task>? acknowledge = null;
        if (message.QualityOfServiceLevel != MqttQualityOfServiceLevel.AtMostOnce)
        {
            acknowledge = settled is null ? e.AcknowledgeAsync : async ct =>
            {
                try
                {
                    await e.AcknowledgeAsync(ct).ConfigureAwait(false);
                }
                finally
                {
                    settled();
                }
            };
        }

        // MQTTnet acknowledges a message it was not told to leave alone when this returns: a rejected one, at once.
        e.AutoAcknowledge = acknowledge is null;
        if (!await TakeAsync(message.Topic, message.Payload, acknowledge, null, cancellationToken).ConfigureAwait(false))
        {
            e.AutoAcknowledge = true;
            settled?.Invoke();
        }
        else if (acknowledge is null)
        {
            settled?.Invoke();
        }
    }

    /// <summary>
    /// One message a broker delivered: parsed, and its readings written to the channel with <paramref name="acknowledge"/>,
    /// which the dispatcher calls once their device grain accepted them (<paramref name="connection"/>: where that
    /// acknowledgement is written, when those writes can be held). False when nothing in it was accepted: the caller
    /// acknowledges it at once, as the dead-letter topic holds it. Waits while the channel is full.
    /// </summary>
    public async ValueTask<bool> TakeAsync(
        string topic, ReadOnlySequence<byte> payload, Func<CancellationToken, Task>? acknowledge, CoalescingWriteStream? connection, CancellationToken cancellationToken)
    {
        if (Parse(topic, payload).Readings is not { } readings)
        {
            return false;
        }

        await channel.Writer.WriteAsync(new IngestMessage(readings, acknowledge, connection), cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Hands readings that need no acknowledgement from the dispatcher to it (the embedded broker's: its PUBACK follows
    /// this); waits while the channel is full, so back-pressure reaches the publisher through TCP.
    /// </summary>
    public ValueTask EnqueueAsync(List<Reading> readings, CancellationToken cancellationToken) =>
        channel.Writer.WriteAsync(new IngestMessage(readings, null), cancellationToken);
}

/// <summary>What one MQTT message yielded: its readings, or why it yielded none.</summary>
public readonly record struct IntakeResult(List<Reading>? Readings, string? Error, bool BadTopic);
