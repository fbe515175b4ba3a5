using Microsoft.Extensions.Options;

namespace CityOps.Api.Audit;

/// <summary>
/// Deletes audit entries older than <see cref="AuditOptions.Retention"/>, at start and every
/// <see cref="AuditOptions.SweepInterval"/>: a flood of refused requests cannot fill the disk for ever.
/// </summary>
public sealed partial class AuditRetentionSweeper(IAuditLog log, IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditRetentionSweeper> logger) : BackgroundService
{
    /// <summary>One sweep: the entries deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var deleted = await log.PruneAsync(time.GetUtcNow() - options.Value.Retention, cancellationToken);
        if (deleted > 0)
        {
            LogPruned(logger, deleted, options.Value.Retention);
        }

        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit log: {Count} entries older than {Retention} deleted (CityOps:Audit:Retention)")]
    private static partial void LogPruned(ILogger logger, int count, TimeSpan retention);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit log: old entries not deleted, tried again at the next sweep: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
