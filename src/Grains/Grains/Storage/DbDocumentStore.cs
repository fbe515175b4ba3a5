using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using static CityOps.Grains.Storage.StoreDatabase;

namespace CityOps.Grains.Storage;

/// <summary>
/// What the case, alarm and incident stores share: a table with indexed columns for the filters beside the whole
/// document as JSON (<c>body</c>), rows upserted by <c>id</c>, changes that are announced appended to an event log in
/// the transaction of the change, and lists newest first, paged. Each store says its columns (<see cref="Upsert"/>)
/// and its filters (<see cref="PageAsync"/>). The table and column names are the stores' constants, never input.
/// </summary>
public abstract class DbDocumentStore<T>(StoreDatabase db, string table, string noun, Func<T, string> idOf, DbEventLog log)
    where T : class
{
    protected DbEventLog Log => log;

    public Task<T?> FindAsync(string id) => db.ReadAsync(async connection =>
    {
        await using var command = Command(connection, $"SELECT body FROM {table} WHERE id = @id", null, ("id", id));
        return await command.ExecuteScalarAsync().ConfigureAwait(false) is string body ? Deserialize(body) : null;
    });

    /// <summary>Saves a change no one is told about.</summary>
    public Task SaveAsync(T document) => db.WriteAsync((connection, transaction) => UpsertAsync(connection, transaction, document));

    /// <summary>The statement that writes the document's row (insert, or update by id), with its parameters.</summary>
    protected abstract (string Sql, (string Name, object? Value)[] Parameters) Upsert(T document);

    /// <summary>
    /// Saves a change and appends its event in one transaction: <c>{"event", "id", "sequence", "at", noun: document}</c>,
    /// the event's key as <c>id</c> and the document's id as its subject.
    /// </summary>
    public Task<StoredCaseEvent> SaveAsync(T document, string eventName, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(document);
        return db.WriteAsync(async (connection, transaction) =>
        {
            await UpsertAsync(connection, transaction, document).ConfigureAwait(false);
            return await log.AppendAsync(connection, transaction, idOf(document), eventName, at, (key, seq) => JsonSerializer.Serialize(
                new Dictionary<string, object> { ["event"] = eventName, ["id"] = key, ["sequence"] = seq, ["at"] = at, [noun] = document },
                CityOpsJson.Options)).ConfigureAwait(false);
        });
    }

    /// <summary>The documents that pass <paramref name="filter"/>, newest first by <paramref name="orderColumn"/> (then id), one page and the total.</summary>
    protected Task<Page<T>> PageAsync(SqlFilter filter, string orderColumn, int page, int pageSize) => db.ReadAsync(async connection =>
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var command = Command(connection, $"SELECT COUNT(*) FROM {table}{filter.Where}", null, [.. filter.Parameters]);
        var total = Convert.ToInt32(await command.ExecuteScalarAsync().ConfigureAwait(false), CultureInfo.InvariantCulture);

        command.CommandText = $"SELECT body FROM {table}{filter.Where} ORDER BY {orderColumn} DESC, id{db.Dialect.OrdinalCollation} DESC LIMIT @limit OFFSET @offset";
        Add(command, "limit", pageSize);
        Add(command, "offset", (page - 1) * pageSize);
        return new Page<T>(await ListAsync(command, r => Deserialize(r.GetString(0))).ConfigureAwait(false), total, page, pageSize);
    });

    /// <summary>The documents whose rows match <paramref name="condition"/> (SQL over the table's columns).</summary>
    protected Task<IReadOnlyList<T>> WhereAsync(string condition, params (string Name, object? Value)[] parameters) => db.ReadAsync(async connection =>
    {
        await using var command = Command(connection, $"SELECT body FROM {table} WHERE {condition}", null, parameters);
        return (IReadOnlyList<T>)await ListAsync(command, r => Deserialize(r.GetString(0))).ConfigureAwait(false);
    });

    private async Task UpsertAsync(DbConnection connection, DbTransaction transaction, T document)
    {
        var (sql, parameters) = Upsert(document);
        await using var command = Command(connection, sql, transaction, parameters);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    protected static string Serialize(T document) => JsonSerializer.Serialize(document, CityOpsJson.Options);

    private T Deserialize(string body) =>
        JsonSerializer.Deserialize<T>(body, CityOpsJson.Options) ?? throw new InvalidDataException($"A stored {noun} is empty.");
}
