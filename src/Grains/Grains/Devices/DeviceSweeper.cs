using CityOps.Grains.RuleSets;

namespace CityOps.Grains.Devices;

/// <summary>
/// Lets time act on silent devices: every <see cref="DevicesOptions.SweepInterval"/> it asks the device grains of
/// this silo whose next check is due (<see cref="DeviceWatchList"/>) to check themselves: offline rules, the online
/// flag, liveness to persist. After a new rule set every device checks once, so a new offline rule reaches silent
/// devices too. A handful of calls run at once, so a sweep of many due devices never floods the silo.
/// </summary>
public sealed partial class DeviceSweeper(
    DeviceWatchList watch,
    RuleCatalog rules,
    IGrainFactory grains,
    IOptions<DevicesOptions> options,
    [FromKeyedServices(CityOpsTime.Key)] TimeProvider time,
    ILogger<DeviceSweeper> logger) : BackgroundService
{
    private const int InFlight = 32;
    private object? _rulesSeen;

    /// <summary>One pass; returns how many devices were checked.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var current = rules.Current;
        var due = watch.Due(time.GetUtcNow(), all: _rulesSeen is not null && !ReferenceEquals(current, _rulesSeen));
        _rulesSeen = current;
        var next = -1;
        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < due.Count && !cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await grains.Device(due[i]).CheckOffline().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The device stays due and is tried again next sweep.
                    LogCheckFailed(logger, due[i], ex.Message);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Min(InFlight, due.Count)).Select(_ => Worker())).ConfigureAwait(false);
        return due.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await SweepAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId}: offline check failed, retrying next sweep: {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, string deviceId, string reason);
}
