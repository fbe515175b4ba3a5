using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace CityOps.Grains.Storage.Sqlite;

/// <summary>The node's SQLite file, in WAL mode: one writer at a time (queued by <see cref="StoreDatabase"/>), readers alongside.</summary>
public sealed class SqliteDialect : SqlDialect
{
    private const int SqliteReadOnly = 8, SqliteIoErr = 10, SqliteFull = 13, SqliteCantOpen = 14;

    public override bool IsShared => false;

    public override bool SingleWriter => true;

    public override string? EventNumberingLock => null;

    // BINARY is SQLite's default: ids already sort by code point.
    public override string OrdinalCollation => "";

    // Integer keys are rowid aliases; AUTOINCREMENT keeps an event log's numbers from being reused after pruning.
    public override SchemaSpelling Spelling { get; } = new(
        BigInt: "INTEGER",
        Bytes: "BLOB",
        Bool: "INTEGER",
        LogSeq: "INTEGER PRIMARY KEY AUTOINCREMENT",
        SerialSeq: "INTEGER PRIMARY KEY AUTOINCREMENT",
        WithoutRowId: " WITHOUT ROWID");

    public override async Task EnsureSchemaAsync(DbDataSource source, CancellationToken cancellationToken)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, Spelling.CityOpsSchema(), cancellationToken).ConfigureAwait(false);

        // Databases from before version notes lack the column; SQLite has no ADD COLUMN IF NOT EXISTS.
        await using var probe = connection.CreateCommand();
        probe.CommandText = "SELECT COUNT(*) FROM pragma_table_info('rule_versions') WHERE name = 'note'";
        if (Convert.ToInt64(await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            await ExecuteAsync(connection, "ALTER TABLE rule_versions ADD COLUMN note TEXT;", cancellationToken).ConfigureAwait(false);
        }

        // Likewise databases from before refused requests were aggregated in the audit log.
        probe.CommandText = "SELECT COUNT(*) FROM pragma_table_info('audit_log') WHERE name = 'repeats'";
        if (Convert.ToInt64(await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            await ExecuteAsync(connection, "ALTER TABLE audit_log ADD COLUMN repeats INTEGER NOT NULL DEFAULT 1;", cancellationToken).ConfigureAwait(false);
        }

        // Likewise databases from before root causes were found by the directory (a device's parent attribute, from its body).
        probe.CommandText = "SELECT COUNT(*) FROM pragma_table_info('devices') WHERE name = 'parent'";
        if (Convert.ToInt64(await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            await ExecuteAsync(connection, "ALTER TABLE devices ADD COLUMN parent TEXT; UPDATE devices SET parent = json_extract(body, '$.attributes.parent');", cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, "CREATE INDEX IF NOT EXISTS devices_parent ON devices (parent, id);", cancellationToken).ConfigureAwait(false);
    }

    public override bool IsUnavailable(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteFull or SqliteIoErr or SqliteReadOnly or SqliteCantOpen };

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
