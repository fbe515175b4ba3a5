using Microsoft.Data.Sqlite;

namespace CityOps.Grains.Storage;

/// <summary>
/// The node's local durable store: one SQLite file under <c>CityOps:DataDir</c>, in WAL mode.
/// SQLite allows one writer at a time, so writes are serialised here rather than left to
/// fail with SQLITE_BUSY; readers run concurrently.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    private const int SqliteReadOnly = 8, SqliteIoErr = 10, SqliteFull = 13, SqliteCantOpen = 14;

    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public SqliteDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        using var connection = Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode=WAL;";
        pragma.ExecuteNonQuery();
    }

    public string Path { get; }

    public string ConnectionString { get; }

    /// <summary>Why the last write failed for want of storage (disk full, read-only, I/O error); null once a write succeeds again.</summary>
    public string? WriteFailure { get; private set; }

    /// <summary>Opens a pooled connection with the per-connection pragmas applied.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Runs <paramref name="work"/> as the only writer, inside one transaction.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction();
            var result = work(connection, transaction);
            transaction.Commit();
            WriteFailure = null;
            return result;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is SqliteFull or SqliteIoErr or SqliteReadOnly or SqliteCantOpen)
        {
            // The transaction rolled back: nothing half-written. Callers retry; health shows it meanwhile.
            WriteFailure = $"{Path}: {ex.Message}";
            throw new StorageUnavailableException("local store cannot be written: " + WriteFailure, ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task WriteAsync(Action<SqliteConnection, SqliteTransaction> work, CancellationToken cancellationToken = default) =>
        WriteAsync<bool>((c, t) => { work(c, t); return true; }, cancellationToken);

    /// <summary>Runs a read on its own connection (WAL readers do not block the writer).</summary>
    public T Read<T>(Func<SqliteConnection, T> work)
    {
        using var connection = Open();
        return work(connection);
    }

    public void Dispose() => _writeLock.Dispose();
}
