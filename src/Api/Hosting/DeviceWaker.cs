using CityOps.Grains.Cluster;
using Orleans.Runtime;

namespace CityOps.Api.Hosting;

/// <summary>
/// Activates every registered device once the silo is up, so that a device which stays silent
/// after a restart is still noticed by its offline rule. In a cluster the node holding the
/// <see cref="ILeaderLease"/> does it, again whenever it takes the lease over and whenever a silo dies
/// (the dead silo's device grains, with their offline timers, reactivate on the living ones).
/// </summary>
public sealed partial class DeviceWaker(
    IDeviceDirectory directory,
    IGrainFactory grains,
    ILeaderLease lease,
    IClusterMembershipService membership,
    IHostApplicationLifetime lifetime,
    ILogger<DeviceWaker> logger)
    : BackgroundService
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The silo is ready once the host has started.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        var heldBefore = false;
        var deadBefore = DeadSilos();
        while (!stoppingToken.IsCancellationRequested)
        {
            await lease.WaitUntilHeldAsync(stoppingToken);
            var dead = DeadSilos();
            if (!heldBefore || dead > deadBefore)
            {
                await WakeAllAsync(stoppingToken);
            }

            heldBefore = true;
            deadBefore = dead;
            if (lease is SingleNodeLease)
            {
                return;
            }

            await Task.Delay(CheckInterval, stoppingToken);
            heldBefore = lease.IsHeld;
        }
    }

    private int DeadSilos() => membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Dead);

    private async Task WakeAllAsync(CancellationToken stoppingToken)
    {
        var ids = await directory.AllIdsAsync();
        var woken = 0;
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = stoppingToken }, async (id, _) =>
        {
            try
            {
                await grains.GetGrain<IDeviceGrain>(id).Get();
                Interlocked.Increment(ref woken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogWakeFailed(logger, id, ex.Message);
            }
        });
        LogWoken(logger, woken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} registered devices active and watched for silence")]
    private static partial void LogWoken(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId} could not be activated: {Reason}")]
    private static partial void LogWakeFailed(ILogger logger, string deviceId, string reason);
}
