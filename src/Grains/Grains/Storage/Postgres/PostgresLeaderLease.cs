using CityOps.Grains.Cluster;
using Npgsql;

namespace CityOps.Grains.Storage.Postgres;

/// <summary>
/// The cluster's leader lease as a PostgreSQL session advisory lock held on one dedicated connection. The server
/// drops the lock when that connection ends, so when the holder is killed (its socket closes) or cut off (TCP
/// keepalive), another node's next attempt, at most <see cref="CheckInterval"/> later, takes it over. A holder that
/// loses its connection stops acting as leader at once; the work it does is at-least-once and idempotent, so a
/// short overlap during a partition repeats a delivery at worst, never a case.
/// </summary>
public sealed partial class PostgresLeaderLease(string connectionString, ILogger<PostgresLeaderLease> logger) : BackgroundService, ILeaderLease
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private const long LeaseKey = 0x4369_7479_4f70_0003;

    private volatile TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _isHeld;

    public bool IsHeld => _isHeld;

    public Task WaitUntilHeldAsync(CancellationToken cancellationToken) => _held.Task.WaitAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 5, TcpKeepAlive = true, ApplicationName = "cityops-lease" };
        NpgsqlConnection? connection = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (connection is null)
                {
                    connection = new NpgsqlConnection(builder.ConnectionString);
                    await connection.OpenAsync(stoppingToken).ConfigureAwait(false);
                }

                var sql = _isHeld ? "SELECT true" : $"SELECT pg_try_advisory_lock({LeaseKey})";
                await using var command = new NpgsqlCommand(sql, connection);
                var held = (bool)(await command.ExecuteScalarAsync(stoppingToken).ConfigureAwait(false))!;
                if (held && !_isHeld)
                {
                    _isHeld = true;
                    CityOpsMetrics.LeaseHeld.Set(1);
                    _held.TrySetResult();
                    LogAcquired(logger);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Release(ex.Message);
                if (connection is not null)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                    connection = null;
                }
            }

            try
            {
                await Task.Delay(CheckInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        Release("stopping");
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Release(string reason)
    {
        if (_isHeld)
        {
            _isHeld = false;
            CityOpsMetrics.LeaseHeld.Set(0);
            _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            LogLost(logger, reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "This node holds the cluster lease: it delivers webhooks, sweeps deadlines and wakes silent devices")]
    private static partial void LogAcquired(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster lease lost ({Reason}); another node takes over the once-only work")]
    private static partial void LogLost(ILogger logger, string reason);
}
