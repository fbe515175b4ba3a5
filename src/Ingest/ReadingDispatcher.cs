using System.Collections.Immutable;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using CityOps.Grains;
using CityOps.Ingest.Edge;
using CityOps.Ingest.Influx;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityOps.Ingest;

/// <summary>
/// Drains the ingest channel in rounds: each round groups its readings by device, hands every
/// device its readings in one grain call (all devices in parallel), and queues the accepted
/// readings for InfluxDB, placed where their grains say (grid, unit, the device's position).
/// The next round starts when this one is judged, so it gathers what arrived meanwhile, but after
/// <see cref="RoundPatience"/> at most: a slow device (a crossing that files a case) then holds back only itself, not the
/// city. A device's call waits for its call of the round before (<see cref="DeviceCallOrder"/>), so its readings keep
/// their order. A round's QoS 1 messages are acknowledged in round order once its readings are judged and durable
/// (stored, or spilled to disk); at most <see cref="RoundsInFlight"/> rounds are open at once (back-pressure).
/// </summary>
public sealed partial class ReadingDispatcher(
    IngestChannel channel,
    IGrainFactory grains,
    ITelemetryWriter telemetry,
    DeadLetterQueue deadLetters,
    RegisteredKinds registeredKinds,
    ILocalDevices localDevices,
    IOptions<MqttOptions> options,
    TimeProvider time,
    ILogger<ReadingDispatcher> logger) : BackgroundService
{
    /// <summary>Rounds judged or stored at once; when that many are open, the next waits (back-pressure).</summary>
    public const int RoundsInFlight = 64;

    /// <summary>How long the next round waits for the slowest device of the one before.</summary>
    public static readonly TimeSpan RoundPatience = TimeSpan.FromMilliseconds(10);

    // Open rounds, oldest first: each completes when judged with the task of its durability.
    private readonly Channel<(Task<Task> Judged, IReadOnlyList<IngestMessage> Messages)> _rounds =
        Channel.CreateBounded<(Task<Task>, IReadOnlyList<IngestMessage>)>(new BoundedChannelOptions(RoundsInFlight) { SingleReader = true, SingleWriter = true });

    // Touched by the dispatching loop only (DeliverAsync up to its first await).
    private readonly DeviceCallOrder _order = new();
    private readonly Dictionary<string, ImmutableArray<Reading>.Builder> _byDevice = new(StringComparer.Ordinal);

    // Rounds handed to the acknowledging loop and not yet acknowledged by it: while any is, newer rounds go there too.
    private int _roundsWithAcknowledger;

    private static readonly TimeSpan[] Backoff =
        [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var acknowledging = AcknowledgeAsync(stoppingToken);
        var reader = channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                var round = new List<IngestMessage>(Math.Min(reader.Count, options.Value.BatchSize));
                while (round.Count < options.Value.BatchSize && reader.TryRead(out var message))
                {
                    round.Add(message);
                }

                IngestMetrics.ChannelDepth.Set(reader.Count);
                IngestMetrics.Rounds.Inc();
                var judged = DeliverAsync(round, stoppingToken);
                await ((Task)judged).WaitAsync(RoundPatience, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                var durable = judged.IsCompletedSuccessfully ? await judged : null;
                if (durable is { IsCompletedSuccessfully: true } && Volatile.Read(ref _roundsWithAcknowledger) == 0)
                {
                    // Judged and durable, and every older round acknowledged: acknowledged here, in order, without
                    // waking the acknowledging loop (a wake-up per round saved: the usual case).
                    var pass = AcknowledgeRoundAsync(round, stoppingToken);
                    if (!pass.IsCompleted)
                    {
                        // A write that waits (a full socket buffer, MQTTnet's send lock): the next round need not. The
                        // acknowledging loop waits for this pass, and newer rounds queue behind it there.
                        Interlocked.Increment(ref _roundsWithAcknowledger);
                        await _rounds.Writer.WriteAsync((Task.FromResult(pass), []), stoppingToken);
                    }
                }
                else
                {
                    Interlocked.Increment(ref _roundsWithAcknowledger);
                    await _rounds.Writer.WriteAsync((judged, round), stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Unacknowledged QoS 1 messages stay with the broker and are redelivered after restart.
        }
        catch (ChannelClosedException ex) when (ex.InnerException is not null)
        {
            // The acknowledging loop failed: let the host see why.
            ExceptionDispatchInfo.Throw(ex.InnerException);
        }

        _rounds.Writer.TryComplete();
        await acknowledging;
    }

    /// <summary>
    /// Delivers one round to the device grains and queues its accepted readings for storage.
    /// Returns when the round is judged; the task it returns completes when its readings are durable.
    /// </summary>
    public async Task<Task> DeliverAsync(IReadOnlyList<IngestMessage> round, CancellationToken cancellationToken)
    {
        // The grouping map is the loop's own (this part runs on the dispatching loop, before the first await).
        var byDevice = _byDevice;
        foreach (var message in round)
        {
            foreach (var reading in message.Readings)
            {
                if (!byDevice.TryGetValue(reading.DeviceId, out var readings))
                {
                    readings = ImmutableArray.CreateBuilder<Reading>(1); // mostly one reading a device a round: drained without a copy
                    byDevice[reading.DeviceId] = readings;
                }

                readings.Add(reading);
            }
        }

        var batches = new ImmutableArray<Reading>[byDevice.Count];
        var placements = new ImmutableArray<ReadingPlacement?>[byDevice.Count];
        List<(int Device, Task<ImmutableArray<ReadingPlacement?>> Call)>? running = null;
        var device = 0;
        foreach (var (deviceId, builder) in byDevice)
        {
            var readings = batches[device] = builder.DrainToImmutable();
            Task<ImmutableArray<ReadingPlacement?>> call;
            if (_order.IsFree(deviceId) && localDevices.TryIngest(deviceId, readings, out var judged))
            {
                if (judged.IsCompletedSuccessfully)
                {
                    // Judged on this thread and done: most readings change nothing.
                    placements[device++] = Judged(deviceId, readings, await judged.ConfigureAwait(false)); // done: no wait
                    continue;
                }

                _order.Started(deviceId, call = FinishAsync(deviceId, readings, judged, cancellationToken));
            }
            else
            {
                call = _order.Start(deviceId, (Dispatcher: this, deviceId, readings, cancellationToken),
                    static s => s.Dispatcher.DeliverToDeviceAsync(s.deviceId, s.readings, s.cancellationToken));
            }

            (running ??= []).Add((device++, call));
        }

        byDevice.Clear();
        foreach (var (index, call) in running ?? [])
        {
            placements[index] = await call.ConfigureAwait(false);
        }
        if (!telemetry.Enabled)
        {
            return Task.CompletedTask;
        }

        // The readings are ours; their grains said where each accepted one is stored (refused ones: null).
        var lines = new LineBuilder(256 * round.Count);
        for (device = 0; device < batches.Length; device++)
        {
            var readings = batches[device];
            var placed = placements[device];
            for (var i = 0; i < placed.Length; i++)
            {
                if (placed[i] is { } placement)
                {
                    TelemetryLines.AppendReading(lines, TelemetryPoint.Of(readings[i], placement));
                }
            }
        }

        await telemetry.WriteAsync(lines.Take(), cancellationToken).ConfigureAwait(false);
        return telemetry.WhenDurable();
    }

    // Acknowledges rounds in order, each once its readings are judged and durable.
    private async Task AcknowledgeAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (judged, messages) in _rounds.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                var durable = await judged.WaitAsync(stoppingToken).ConfigureAwait(false);
                await durable.WaitAsync(stoppingToken).ConfigureAwait(false);
                await AcknowledgeRoundAsync(messages, stoppingToken).ConfigureAwait(false);
                Interlocked.Decrement(ref _roundsWithAcknowledger);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Storage failed for good: stop taking rounds rather than hold unacknowledged ones forever.
            _rounds.Writer.TryComplete(ex);
            throw;
        }
    }

    /// <summary>
    /// Acknowledges one round's messages in order. Their connections are held meanwhile, so the round's acknowledgements
    /// leave in one socket send per connection (MQTTnet writes each PUBACK on its own), sent when the pass ends.
    /// </summary>
    public async Task AcknowledgeRoundAsync(IReadOnlyList<IngestMessage> messages, CancellationToken cancellationToken)
    {
        CoalescingWriteStream? held = null; // mostly the one connection of the round
        List<CoalescingWriteStream>? alsoHeld = null;
        try
        {
            foreach (var message in messages)
            {
                if (message.Acknowledge is not { } acknowledge)
                {
                    continue;
                }

                if (message.Connection is { } connection && connection != held && alsoHeld?.Contains(connection) != true)
                {
                    connection.Hold();
                    if (held is null)
                    {
                        held = connection;
                    }
                    else
                    {
                        (alsoHeld ??= []).Add(connection);
                    }
                }

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
        finally
        {
            if (held is not null)
            {
                await ReleaseAsync(held, cancellationToken).ConfigureAwait(false);
            }

            foreach (var connection in alsoHeld ?? [])
            {
                await ReleaseAsync(connection, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ReleaseAsync(CoalescingWriteStream connection, CancellationToken cancellationToken)
    {
        try
        {
            await connection.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The round's acknowledgements were not sent; the connection is closed and the broker redelivers them.
            LogAckFailed(logger, ex.Message);
        }
    }

    // A device's readings once its call before them ended: in its turn here when its grain is active on this node, else by
    // a grain call.
    private Task<ImmutableArray<ReadingPlacement?>> DeliverToDeviceAsync(string deviceId, ImmutableArray<Reading> readings, CancellationToken cancellationToken)
    {
        ValueTask<IngestResult> judged;
        try
        {
            judged = localDevices.TryIngest(deviceId, readings, out var here) ? here : grains.Device(deviceId).Ingest(readings);
        }
        catch (Exception ex)
        {
            judged = ValueTask.FromException<IngestResult>(ex);
        }

        return FinishAsync(deviceId, readings, judged, cancellationToken);
    }

    // Waits for a device's judging that did not end at once (a change handled, a call); retries it if it failed.
    private async Task<ImmutableArray<ReadingPlacement?>> FinishAsync(string deviceId, ImmutableArray<Reading> readings, ValueTask<IngestResult> judged, CancellationToken cancellationToken)
    {
        try
        {
            return Judged(deviceId, readings, await judged.ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return await RetryAsync(deviceId, readings, ex, cancellationToken).ConfigureAwait(false);
        }
    }

    private ImmutableArray<ReadingPlacement?> Judged(string deviceId, ImmutableArray<Reading> readings, IngestResult result)
    {
        var judgedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var reading in readings)
        {
            IngestMetrics.EvaluationLag.Observe(Math.Max(0, judgedAt - reading.TimestampMs) / 1000.0);
        }

        IngestMetrics.ReadingsAccepted.Inc(result.Accepted);
        string? acceptedKind = null;
        for (var i = 0; i < result.Placements.Length && (result.Refused > 0 || acceptedKind is null); i++)
        {
            if (result.Placements[i] is not null)
            {
                acceptedKind ??= readings[i].Kind;
            }
            else
            {
                // Counted as refused_by_device; the letter says why (wrong_kind, unregistered, auto_provision_rate...).
                deadLetters.Reject($"city/{readings[i].Kind}/{deviceId}/telemetry", "refused_by_device", result.RefusedReason ?? "refused", default, time.GetUtcNow());
            }
        }

        if (acceptedKind is not null)
        {
            // The grain accepted this kind: the embedded broker's kind check needs no grain call for this device.
            registeredKinds.Accepted(deviceId, acceptedKind);
        }

        return result.Placements;
    }

    // After a failed call: the same readings again with backoff, as long as storage is unavailable, or for about 40 s.
    private async Task<ImmutableArray<ReadingPlacement?>> RetryAsync(string deviceId, ImmutableArray<Reading> readings, Exception failure, CancellationToken cancellationToken)
    {
        var grain = grains.Device(deviceId);
        for (var attempt = 0; ; attempt++)
        {
            if (StorageUnavailableException.Caused(failure))
            {
                // Disk full or unwritable: every device would fail alike. Wait (the channel fills and
                // the broker holds the rest) rather than give readings up; health shows it meanwhile.
                IngestMetrics.DispatchRetries.Inc();
                LogStorageUnavailable(logger, deviceId, failure.Message);
                await Task.Delay(Backoff[Math.Min(attempt, 4)], time, cancellationToken).ConfigureAwait(false);
            }
            else if (attempt >= Backoff.Length)
            {
                // Retried for about 40 s: give the readings up loudly rather than stall every other device.
                LogGaveUp(logger, failure, deviceId, readings.Length);
                foreach (var reading in readings)
                {
                    deadLetters.Reject($"city/{reading.Kind}/{deviceId}/telemetry", "grain_failed", failure.Message, default, time.GetUtcNow());
                }

                return [];
            }
            else
            {
                IngestMetrics.DispatchRetries.Inc();
                LogRetry(logger, deviceId, attempt + 1, failure.Message);
                await Task.Delay(Backoff[attempt], time, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                return Judged(deviceId, readings, await grain.Ingest(readings).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failure = ex;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId}: grain call failed (attempt {Attempt}), retrying: {Reason}")]
    private static partial void LogRetry(ILogger logger, string deviceId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId}: storage unavailable, retrying until it is back: {Reason}")]
    private static partial void LogStorageUnavailable(ILogger logger, string deviceId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Device {DeviceId}: gave up on {Count} readings after retries; sent to the dead-letter topic")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string deviceId, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Acknowledgement not sent, the broker will redeliver: {Reason}")]
    private static partial void LogAckFailed(ILogger logger, string reason);
}
