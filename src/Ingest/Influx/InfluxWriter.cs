using Polly;
using Polly.Retry;

namespace CityOps.Ingest.Influx;

/// <summary>
/// Batches line protocol to InfluxDB without ever losing a point it has called durable.
/// <list type="bullet">
/// <item>Writers queue lines in memory (at most <see cref="InfluxOptions.MaxPendingPoints"/>; then they wait).</item>
/// <item>One batch is in flight at a time, up to <see cref="InfluxOptions.BatchSize"/> lines: the next leaves as
/// soon as the previous is done, so batches grow with load and nothing lingers under light load.</item>
/// <item>A batch InfluxDB cannot take after quick retries goes to the spill folder (flushed to disk), and so does
/// every later batch until the spill is replayed, oldest first, with backoff and jitter while InfluxDB is away.</item>
/// <item>A line is durable once InfluxDB has it, or it is in the spill folder, or InfluxDB refused it as bad.</item>
/// </list>
/// </summary>
public sealed partial class InfluxWriter : BackgroundService, ITelemetryWriter
{
    private readonly object _gate = new();
    private readonly Queue<LineChunk> _pending = new();
    private readonly Queue<(long Upto, TaskCompletionSource Done)> _waiters = new();
    private readonly SemaphoreSlim _dataArrived = new(0);
    private readonly SemaphoreSlim _spilled = new(0);
    private readonly InfluxOptions _options;
    private readonly InfluxClient _client;
    private readonly SpillFolder _spill;
    private readonly ResiliencePipeline<bool> _live;
    private readonly ResiliencePipeline<bool> _replay;
    private readonly ILogger<InfluxWriter> _logger;
    private int _pendingLines;
    private long _queued;
    private long _durable;
    private TaskCompletionSource? _space;

    public InfluxWriter(InfluxOptions options, string spillPath, ILogger<InfluxWriter> logger, HttpMessageHandler? handler = null)
    {
        _options = options;
        _logger = logger;
        _client = new InfluxClient(options, logger, handler);
        _spill = new SpillFolder(spillPath, options.MaxSpillBytes);
        InfluxMetrics.Spilled.Set(_spill.Lines);
        InfluxMetrics.Available.Set(_spill.Active ? 0 : 1);
        var retryOnFalse = new PredicateBuilder<bool>().HandleResult(false);
        _live = options.Retries <= 0
            ? ResiliencePipeline<bool>.Empty
            : new ResiliencePipelineBuilder<bool>()
                .AddRetry(new RetryStrategyOptions<bool>
                {
                    ShouldHandle = retryOnFalse,
                    MaxRetryAttempts = options.Retries,
                    Delay = TimeSpan.FromMilliseconds(200),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                })
                .Build();
        _replay = new ResiliencePipelineBuilder<bool>()
            .AddRetry(new RetryStrategyOptions<bool>
            {
                ShouldHandle = retryOnFalse,
                MaxRetryAttempts = int.MaxValue,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = TimeSpan.FromSeconds(30),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .Build();
    }

    public bool Enabled => true;

    /// <summary>Healthy, or why not: InfluxDB away (points spilled), or the spill folder failing (nothing more is durable).</summary>
    public TelemetryStatus Status { get; private set; } = TelemetryStatus.Ok;

    public long SpilledLines => _spill.Lines;

    public int PendingLines => Volatile.Read(ref _pendingLines);

    public async ValueTask WriteAsync(LineChunk lines, CancellationToken cancellationToken = default)
    {
        if (lines.Lines == 0)
        {
            return;
        }

        while (true)
        {
            Task wait;
            lock (_gate)
            {
                // One chunk always fits, so a chunk larger than the limit cannot wait forever.
                if (_pendingLines == 0 || _pendingLines + lines.Lines <= _options.MaxPendingPoints)
                {
                    foreach (var piece in lines.Split(_options.BatchSize))
                    {
                        _pending.Enqueue(piece);
                    }

                    _pendingLines += lines.Lines;
                    _queued += lines.Lines;
                    InfluxMetrics.Pending.Set(_pendingLines);
                    break;
                }

                wait = (_space ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        _dataArrived.Release();
    }

    public Task WhenDurable()
    {
        lock (_gate)
        {
            if (_durable >= _queued)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue((_queued, done));
            return done.Task;
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _client.Dispose();
        _spill.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await _client.EnsureDatabaseAsync(stoppingToken).ConfigureAwait(false);
        var replay = Task.Run(() => ReplayAsync(stoppingToken), CancellationToken.None);
        if (_spill.Active)
        {
            LogReplaying(_logger, _spill.Lines);
            _spilled.Release();
        }

        try
        {
            while (true)
            {
                await _dataArrived.WaitAsync(stoppingToken).ConfigureAwait(false);
                while (TakeBatch() is { Lines: > 0 } batch)
                {
                    await StoreAsync(batch, stoppingToken).ConfigureAwait(false);
                    Advance(batch.Lines);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still in memory goes to disk, to be sent after the restart.
            while (TakeBatch() is { Lines: > 0 } batch)
            {
                try
                {
                    _spill.Append(batch, onlyIfActive: false);
                    Advance(batch.Lines);
                }
                catch (IOException ex)
                {
                    LogSpillFailed(_logger, ex.Message);
                    break;
                }
            }
        }

        await replay.ConfigureAwait(false);
    }

    private async Task StoreAsync(LineChunk batch, CancellationToken cancellationToken)
    {
        if (TrySpill(batch, onlyIfActive: true)
            || await _live.ExecuteAsync(static (state, ct) => new ValueTask<bool>(state.Client.WriteAsync(state.Batch, ct)), (Client: _client, Batch: batch), cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        LogUnavailableSpilling(_logger, _options.Url!);
        InfluxMetrics.Available.Set(0);

        // InfluxDB is away: the batch is durable once it is on disk. If the disk fails too, keep trying
        // both (memory fills, then the ingest path waits: readings stay with the MQTT broker).
        for (var attempt = 0; !TrySpill(batch, onlyIfActive: false); attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, 1 << Math.Min(attempt, 5))), cancellationToken).ConfigureAwait(false);
            if (await _client.WriteAsync(batch, cancellationToken).ConfigureAwait(false))
            {
                Status = TelemetryStatus.Ok;
                return;
            }
        }
    }

    private bool TrySpill(LineChunk batch, bool onlyIfActive)
    {
        try
        {
            if (!_spill.Append(batch, onlyIfActive))
            {
                return false;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (Status != TelemetryStatus.SpillFailing)
            {
                LogSpillFailed(_logger, ex.Message);
            }

            Status = TelemetryStatus.SpillFailing;
            return false;
        }

        Status = TelemetryStatus.Spilling;
        InfluxMetrics.PointsSpilled.Inc(batch.Lines);
        InfluxMetrics.Spilled.Set(_spill.Lines);
        _spilled.Release();
        return true;
    }

    // Replays spilled segments oldest first; only this loop turns spilling off (when nothing is left).
    private async Task ReplayAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await _spilled.WaitAsync(stoppingToken).ConfigureAwait(false);
                var replayed = 0L;
                while (_spill.TryTakeOldest(out var segment))
                {
                    foreach (var batch in segment.Read(_options.BatchSize))
                    {
                        await _replay.ExecuteAsync(static (state, ct) => new ValueTask<bool>(state.Client.WriteAsync(state.Batch, ct)), (Client: _client, Batch: batch), stoppingToken).ConfigureAwait(false);
                    }

                    _spill.Complete(segment);
                    replayed += segment.Lines;
                    InfluxMetrics.Spilled.Set(_spill.Lines);
                }

                if (replayed > 0)
                {
                    Status = TelemetryStatus.Ok;
                    InfluxMetrics.Available.Set(1);
                    LogCaughtUp(_logger, replayed);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // What is left stays on disk and is replayed after the restart.
        }
    }

    private LineChunk TakeBatch()
    {
        var parts = new List<LineChunk>();
        var lines = 0;
        lock (_gate)
        {
            while (lines < _options.BatchSize && _pending.TryPeek(out var next))
            {
                if (lines + next.Lines > _options.BatchSize && lines > 0)
                {
                    break;
                }

                _pending.Dequeue();
                parts.Add(next);
                lines += next.Lines;
                _pendingLines -= next.Lines;
            }

            InfluxMetrics.Pending.Set(_pendingLines);
            if (_space is not null && _pendingLines < _options.MaxPendingPoints)
            {
                _space.TrySetResult();
                _space = null;
            }
        }

        return parts.Count == 0 ? LineChunk.Empty : LineChunk.Concat(parts);
    }

    private void Advance(int lines)
    {
        lock (_gate)
        {
            _durable += lines;
            while (_waiters.TryPeek(out var waiter) && waiter.Upto <= _durable)
            {
                _waiters.Dequeue().Done.TrySetResult();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "InfluxDB at {Url} is unavailable: points are kept in the spill folder and sent when it is back")]
    private static partial void LogUnavailableSpilling(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "InfluxDB is back: {Lines} spilled points replayed")]
    private static partial void LogCaughtUp(ILogger logger, long lines);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Lines} points spilled before the last stop are being replayed to InfluxDB")]
    private static partial void LogReplaying(ILogger logger, long lines);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot write the InfluxDB spill folder ({Reason}): readings are not acknowledged until InfluxDB or the disk takes them")]
    private static partial void LogSpillFailed(ILogger logger, string reason);
}
