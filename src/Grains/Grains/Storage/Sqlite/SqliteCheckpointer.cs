namespace CityOps.Grains.Storage.Sqlite;

/// <summary>
/// Moves the node's SQLite write-ahead log into the database file once a second, on a connection of its own. SQLite would
/// otherwise do it inside whichever commit crosses 1,000 log pages, with the file's fsync, while the store's single
/// writer waits: that commit (a crossing's alarm or case, as it happened) and every write queued behind it took 50–250 ms
/// longer. Connections open with <c>wal_autocheckpoint=0</c> (<see cref="SqliteDataSource"/>); a passive checkpoint never
/// waits for readers or the writer, so writes go on while the file is synced. The last connection to close checkpoints
/// what is left, as SQLite always does.
/// </summary>
public sealed partial class SqliteCheckpointer(StoreDatabase database, TimeProvider time, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Checkpoints once: the log's frames and how many of them are in the database file now.</summary>
    public async Task<(long Frames, long Checkpointed)> CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await database.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt64(1), reader.GetInt64(2)) : (0, 0);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await CheckpointAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A full disk or a busy file: the log keeps growing and the next tick tries again.
                    LogFailed(logger, database.Description, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkpointing {Database} failed, tried again in a second: {Reason}")]
    private static partial void LogFailed(ILogger logger, string database, string reason);
}
