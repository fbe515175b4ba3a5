using System.Data;
using System.Data.Common;
using CityOps.Grains.Storage.Postgres;
using CityOps.Grains.Storage.Sqlite;
using Npgsql;

namespace CityOps.Grains.Storage;

/// <summary>
/// The database every store is written against once: the node's SQLite file under <c>CityOps:DataDir</c>, or the
/// cluster's PostgreSQL (<c>CityOps:Cluster:PostgresConnection</c>). The schema is brought up to date before the first
/// statement runs. Failures to reach or write the database become <see cref="StorageUnavailableException"/>, so ingest
/// waits (readings stay with the broker) instead of giving readings up.
/// </summary>
public sealed class StoreDatabase : IDisposable
{
    /// <summary>The DI key of the node's own SQLite database (the audit log lives there even in a cluster).</summary>
    public const string Local = "local";

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Lock _schemaLock = new();
    private Task? _schema;

    public StoreDatabase(DbDataSource source, SqlDialect dialect, string description)
    {
        DataSource = source;
        Dialect = dialect;
        Description = description;
    }

    public DbDataSource DataSource { get; }

    public SqlDialect Dialect { get; }

    /// <summary>The file, or the server and database without credentials.</summary>
    public string Description { get; }

    /// <summary>Why the last write failed for want of storage (disk full, server away); null once a write succeeds again.</summary>
    public string? WriteFailure { get; private set; }

    public static StoreDatabase Sqlite(string path)
    {
        var source = new SqliteDataSource(path);
        return new StoreDatabase(source, new SqliteDialect(), source.Path);
    }

    /// <summary>
    /// Connections one node opens to the cluster's PostgreSQL at most, unless the connection string names its own
    /// <c>Maximum Pool Size</c>. Npgsql's default (100) lets three nodes reactivating a dead node's grains at once
    /// exhaust a server's <c>max_connections</c> (100 by default): every node then fails alike. Requests beyond the
    /// pool wait for a free connection (up to the connection string's <c>Timeout</c>).
    /// </summary>
    public const int DefaultMaxPoolSize = 25;

    public static StoreDatabase Postgres(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.Keys.Cast<string>().Any(k => k.Replace(" ", "", StringComparison.Ordinal).Equals("maximumpoolsize", StringComparison.OrdinalIgnoreCase)
            || k.Replace(" ", "", StringComparison.Ordinal).Equals("maxpoolsize", StringComparison.OrdinalIgnoreCase)))
        {
            builder.MaxPoolSize = DefaultMaxPoolSize;
        }

        return new StoreDatabase(NpgsqlDataSource.Create(builder), new PostgresDialect(), $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}");
    }

    /// <summary>Applies the schema once; later calls return the same work (a failed attempt is tried again).</summary>
    public Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        lock (_schemaLock)
        {
            if (_schema is null || _schema.IsFaulted || _schema.IsCanceled)
            {
                // Shared by every caller, so no single caller's cancellation stops it.
                _schema = Dialect.EnsureSchemaAsync(DataSource, CancellationToken.None);
            }

            return _schema.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Runs a read on its own connection (SQLite WAL readers do not block the writer).</summary>
    public async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken = default)
    {
        try
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection).ConfigureAwait(false);
        }
        catch (Exception ex) when (Dialect.IsUnavailable(ex))
        {
            throw new StorageUnavailableException($"{Description} cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>Reads one number: a count, a version, a sequence.</summary>
    public Task<long> ReadNumberAsync(string sql) => ReadAsync(async connection =>
    {
        await using var command = Command(connection, sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync().ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    });

    /// <summary>Runs <paramref name="work"/> in one transaction (as the only writer where the database wants that).</summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        var locked = false;
        try
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            if (Dialect.SingleWriter)
            {
                await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
                locked = true;
            }

            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var result = await work(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            WriteFailure = null;
            return result;
        }
        catch (Exception ex) when (Dialect.IsUnavailable(ex))
        {
            // The transaction rolled back: nothing half-written. Callers retry; health shows it meanwhile.
            WriteFailure = $"{Description}: {ex.Message}";
            throw new StorageUnavailableException((Dialect.IsShared ? "shared" : "local") + " store cannot be written: " + WriteFailure, ex);
        }
        finally
        {
            if (locked)
            {
                _writeLock.Release();
            }
        }
    }

    public Task WriteAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken cancellationToken = default) =>
        WriteAsync<bool>(async (c, t) => { await work(c, t).ConfigureAwait(false); return true; }, cancellationToken);

    /// <summary>A command with <c>@name</c> parameters; null values are sent as SQL NULL.</summary>
    public static DbCommand Command(DbConnection connection, string sql, DbTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            Add(command, name, value);
        }

        return command;
    }

    /// <summary>Adds a parameter; <paramref name="type"/> tells the server what a NULL is where the statement does not.</summary>
    public static void Add(DbCommand command, string name, object? value, DbType? type = null)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        if (type is { } t)
        {
            parameter.DbType = t;
        }

        command.Parameters.Add(parameter);
    }

    /// <summary>Runs a query and maps each row.</summary>
    public static async Task<List<T>> ListAsync<T>(DbCommand command, Func<DbDataReader, T> map)
    {
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var items = new List<T>();
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            items.Add(map(reader));
        }

        return items;
    }

    public void Dispose()
    {
        DataSource.Dispose();
        _writeLock.Dispose();
    }
}
