using System.Collections.Immutable;
using CityOps.Grains;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityOps.Ingest;

/// <summary>
/// Drains the ingest channel in rounds: each round groups its readings by device, hands every
/// device its readings in one grain call (all devices in parallel), and only then acknowledges the
/// round's QoS 1 messages. Rounds run one after another, so a device's readings keep their order.
/// </summary>
public sealed partial class ReadingDispatcher(
    IngestChannel channel,
    IGrainFactory grains,
    DeadLetterQueue deadLetters,
    IOptions<MqttOptions> options,
    TimeProvider time,
    ILogger<ReadingDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan[] Backoff =
        [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = channel.Reader;
        var round = new List<IngestMessage>(options.Value.BatchSize);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                round.Clear();
                while (round.Count < options.Value.BatchSize && reader.TryRead(out var message))
                {
                    round.Add(message);
                }

                IngestMetrics.ChannelDepth.Set(reader.Count);
                await DeliverAsync(round, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Unacknowledged QoS 1 messages stay with the broker and are redelivered after restart.
        }
    }

    /// <summary>Delivers one round to the device grains, then acknowledges its messages.</summary>
    public async Task DeliverAsync(IReadOnlyList<IngestMessage> round, CancellationToken cancellationToken)
    {
        var byDevice = new Dictionary<string, ImmutableArray<Reading>.Builder>(StringComparer.Ordinal);
        foreach (var message in round)
        {
            foreach (var reading in message.Readings)
            {
                if (!byDevice.TryGetValue(reading.DeviceId, out var readings))
                {
                    readings = ImmutableArray.CreateBuilder<Reading>();
                    byDevice[reading.DeviceId] = readings;
                }

                readings.Add(reading);
            }
        }

        var calls = new List<Task>(byDevice.Count);
        foreach (var (deviceId, readings) in byDevice)
        {
            calls.Add(DeliverToDeviceAsync(deviceId, readings.DrainToImmutable(), cancellationToken));
        }

        await Task.WhenAll(calls).ConfigureAwait(false);

        foreach (var message in round)
        {
            if (message.Acknowledge is { } acknowledge)
            {
                try
                {
                    await acknowledge(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The connection dropped: the broker redelivers, and the grain recognises the redelivery.
                    LogAckFailed(logger, ex.Message);
                }
            }
        }
    }

    private async Task DeliverToDeviceAsync(string deviceId, ImmutableArray<Reading> readings, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IDeviceGrain>(deviceId);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var result = await grain.Ingest(readings).ConfigureAwait(false);
                IngestMetrics.ReadingsAccepted.Inc(result.Accepted);
                if (result.Refused > 0)
                {
                    IngestMetrics.Rejected.WithLabels("refused_by_device").Inc(result.Refused);
                }

                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= Backoff.Length)
                {
                    // Retried for about 40 s: give the readings up loudly rather than stall every other device.
                    LogGaveUp(logger, ex, deviceId, readings.Length);
                    foreach (var reading in readings)
                    {
                        deadLetters.Reject($"city/{reading.Kind}/{deviceId}/telemetry", "grain_failed", ex.Message, default, time.GetUtcNow());
                    }

                    return;
                }

                IngestMetrics.DispatchRetries.Inc();
                LogRetry(logger, deviceId, attempt + 1, ex.Message);
                await Task.Delay(Backoff[attempt], time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId}: grain call failed (attempt {Attempt}), retrying: {Reason}")]
    private static partial void LogRetry(ILogger logger, string deviceId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Device {DeviceId}: gave up on {Count} readings after retries; sent to the dead-letter topic")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string deviceId, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Acknowledgement not sent, the broker will redeliver: {Reason}")]
    private static partial void LogAckFailed(ILogger logger, string reason);
}
