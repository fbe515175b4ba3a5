using System.Net.Sockets;
using Npgsql;

namespace CityOps.Grains.Storage.Postgres;

/// <summary>
/// The cluster's shared store (<c>CityOps:Cluster:PostgresConnection</c>): one pooled Npgsql data source for
/// CityOps's own tables. Failures to reach or write the server become <see cref="StorageUnavailableException"/>,
/// so ingest waits (readings stay with the broker) instead of giving readings up, as with a full local disk.
/// </summary>
public sealed class PostgresDatabase : IDisposable
{
    public PostgresDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Description = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
        DataSource = NpgsqlDataSource.Create(builder);
        ConnectionString = connectionString;
    }

    public NpgsqlDataSource DataSource { get; }

    public string ConnectionString { get; }

    /// <summary>Server and database, without credentials.</summary>
    public string Description { get; }

    /// <summary>Why the last write failed for want of the server; null once a write succeeds again.</summary>
    public string? WriteFailure { get; private set; }

    public T Read<T>(Func<NpgsqlConnection, T> work)
    {
        try
        {
            using var connection = DataSource.OpenConnection();
            return work(connection);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw new StorageUnavailableException($"{Description} cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>Reads without blocking a thread while the pool or the server is busy (what grain code must use).</summary>
    public async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw new StorageUnavailableException($"{Description} cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>Runs <paramref name="work"/> in one transaction.</summary>
    public async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var result = await work(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            WriteFailure = null;
            return result;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            WriteFailure = $"{Description}: {ex.Message}";
            throw new StorageUnavailableException("shared store cannot be written: " + WriteFailure, ex);
        }
    }

    public Task WriteAsync(Func<NpgsqlConnection, NpgsqlTransaction, Task> work, CancellationToken cancellationToken = default) =>
        WriteAsync<bool>(async (c, t) => { await work(c, t).ConfigureAwait(false); return true; }, cancellationToken);

    /// <summary>A command with <c>@name</c> parameters; null values are sent as SQL NULL.</summary>
    public static NpgsqlCommand Command(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public void Dispose() => DataSource.Dispose();

    // Server away, connection broken, or the server refusing writes for want of space: wait and retry.
    private static bool IsUnavailable(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)   // connection exception
            || pg.SqlState.StartsWith("53", StringComparison.Ordinal)                      // insufficient resources (disk full)
            || pg.SqlState.StartsWith("57P", StringComparison.Ordinal),                    // admin shutdown, cannot connect now
        NpgsqlException { IsTransient: true } => true,
        NpgsqlException { InnerException: SocketException or IOException or TimeoutException } => true,
        _ => false,
    };
}
