using CityOps.Grains.Cases;
using CityOps.Grains.RuleSets;
using CityOps.Grains.Hosting;
using CityOps.Grains.Silences;
using CityOps.Grains.Storage;
using CityOps.Grains.Zones;

namespace CityOps.Grains.Cluster;

/// <summary>
/// In a cluster, takes what other nodes changed in the shared store: a newer rule version, new zones, changed
/// silences (each a cheap version check), and a grown case event log, which wakes this node's SSE streams and
/// webhook reader. Polls every <see cref="CityOpsClusterOptions.PollInterval"/> (1 s by default).
/// </summary>
public sealed partial class ClusterChangeWatcher(
    RuleCatalog rules,
    ZoneMap zones,
    SilenceBook silences,
    ICaseStore cases,
    CaseEventHub hub,
    IOptions<CityOpsClusterOptions> settings,
    ILogger<ClusterChangeWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastSequence = -1L;
        using var timer = new PeriodicTimer(settings.Value.PollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await rules.RefreshAsync().ConfigureAwait(false);
                if (await zones.RefreshAsync().ConfigureAwait(false))
                {
                    LogZones(logger);
                }

                await silences.RefreshAsync().ConfigureAwait(false);
                var sequence = await cases.LastSequenceAsync().ConfigureAwait(false);
                if (sequence != lastSequence)
                {
                    lastSequence = sequence;
                    hub.NotifyLogGrew();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Zones changed by another node are in force")]
    private static partial void LogZones(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check the shared store for changes: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
