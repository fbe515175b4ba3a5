using CityOps.Grains.Cluster;
using CityOps.Grains.Storage;

namespace CityOps.Grains.Cases;

/// <summary>
/// Lets time act on open cases: every <see cref="CasesOptions.SweepInterval"/> it finds the cases whose
/// deadline passed or whose alarm stayed clear long enough after handling, and has their grains decide
/// (the grain re-checks against its own state). Also keeps the <c>cityops_cases_overdue</c> gauge.
/// In a cluster only the node holding the <see cref="ILeaderLease"/> sweeps.
/// </summary>
public sealed partial class CaseSweeper(
    ICaseStore store,
    IAlarmStore alarms,
    ILeaderLease lease,
    IGrainFactory grains,
    IOptions<CasesOptions> options,
    [Microsoft.Extensions.DependencyInjection.FromKeyedServices(CityOpsTime.Key)] TimeProvider time,
    ILogger<CaseSweeper> logger) : BackgroundService
{
    /// <summary>One pass; returns how many cases changed.</summary>
    public async Task<int> SweepAsync()
    {
        var now = time.GetUtcNow();
        var changed = 0;
        var overdue = 0;
        foreach (var open in await store.OpenAsync())
        {
            if (CaseWorkflow.Tick(open, now, options.Value.SensorVerifyAfter) is null)
            {
                overdue += IsOverdueAndUnhandled(open, now) ? 1 : 0;
                continue;
            }

            var after = await grains.GetGrain<ICaseGrain>(open.Id).Tick();
            changed++;
            overdue += after is not null && IsOverdueAndUnhandled(after, now) ? 1 : 0;
        }

        CityOpsMetrics.CasesOverdue.Set(overdue);
        return changed;
    }

    /// <summary>Drops case events older than the retention from the durable log.</summary>
    // The alarm event log is kept as long as the case event log.
    public async Task<int> PruneAsync()
    {
        var before = time.GetUtcNow() - options.Value.EventRetention;
        return await store.PruneEventsAsync(before) + await alarms.PruneEventsAsync(before);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval);
        var lastPrune = DateTimeOffset.MinValue;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!lease.IsHeld)
            {
                continue;
            }

            try
            {
                await SweepAsync();
                if (time.GetUtcNow() - lastPrune > TimeSpan.FromHours(1))
                {
                    lastPrune = time.GetUtcNow();
                    await PruneAsync();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(logger, ex);
            }
        }
    }

    private static bool IsOverdueAndUnhandled(CaseSnapshot c, DateTimeOffset now) =>
        c.Status == CaseStatus.Dispatched && c.DueAt is { } due && now > due;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case sweep failed; retried on the next tick")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
