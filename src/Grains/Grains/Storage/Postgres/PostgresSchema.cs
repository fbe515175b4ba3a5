using Npgsql;

namespace CityOps.Grains.Storage.Postgres;

/// <summary>
/// Brings a PostgreSQL database up to what CityOps needs, idempotently, on every node's start: the Orleans ADO.NET
/// scripts (<c>vendor/OrleansScripts/</c>, vendored unchanged from dotnet/orleans, each applied once and recorded in <c>cityops_schema_scripts</c>) and CityOps's
/// own tables (<c>Storage/cityops-schema.sql</c>, shared with SQLite, written with <c>IF NOT EXISTS</c>) followed by
/// <see cref="Upgrades"/>. A session advisory lock makes nodes
/// that start together take turns, so no script runs twice.
/// </summary>
public static class PostgresSchema
{
    // Any fixed number; it only has to differ from the leader lease's.
    private const long SchemaLockKey = 0x4369_7479_4f70_0001;

    /// <summary>
    /// What databases from earlier versions lack, run after the schema script: the directory's <c>parent</c> column
    /// (a device's parent attribute, for finding root causes; added once and filled from the stored bodies, then
    /// indexed) and the audit log's <c>repeats</c> (refusals aggregated).
    /// </summary>
    internal const string Upgrades = """
        DO $$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                         WHERE table_schema = current_schema() AND table_name = 'devices' AND column_name = 'parent') THEN
            ALTER TABLE devices ADD COLUMN parent TEXT;
            UPDATE devices SET parent = body::jsonb -> 'attributes' ->> 'parent';
          END IF;
        END $$;
        CREATE INDEX IF NOT EXISTS devices_parent ON devices (parent, id);
        ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS repeats INTEGER NOT NULL DEFAULT 1;
        """;

    /// <summary>Applies what is missing; waits for the server up to <paramref name="timeout"/> (it may start together with the nodes).</summary>
    public static async Task EnsureAsync(NpgsqlDataSource source, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                await ApplyAsync(source, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (NpgsqlException ex) when (ex is not PostgresException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The embedded scripts, in the order they are applied.</summary>
    public static IReadOnlyList<(string Name, string Sql)> Scripts()
    {
        var assembly = typeof(PostgresSchema).Assembly;
        var orleans = assembly.GetManifestResourceNames()
            .Where(n => n.Contains(".OrleansScripts.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal)
            .Select(n => (Name: n[(n.IndexOf(".OrleansScripts.", StringComparison.Ordinal) + 16)..], Sql: SqlDialect.EmbeddedScript(n)));
        return [.. orleans];
    }

    private static async Task ApplyAsync(NpgsqlDataSource source, CancellationToken cancellationToken)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({SchemaLockKey})", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS cityops_schema_scripts (
                  name       TEXT PRIMARY KEY,
                  applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                );
                """, cancellationToken).ConfigureAwait(false);

            var applied = new HashSet<string>(StringComparer.Ordinal);
            await using (var command = new NpgsqlCommand("SELECT name FROM cityops_schema_scripts", connection))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    applied.Add(reader.GetString(0));
                }
            }

            foreach (var (name, sql) in Scripts().Where(s => !applied.Contains(s.Name)))
            {
                // A script that manages its own transaction (a migration) runs as it is; the others in one of ours.
                var ownTransaction = sql.Contains("BEGIN TRANSACTION;", StringComparison.Ordinal);
                await using var transaction = ownTransaction ? null : await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (var command = new NpgsqlCommand(sql, connection, transaction))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using (var record = new NpgsqlCommand("INSERT INTO cityops_schema_scripts (name) VALUES (@name)", connection, transaction))
                {
                    record.Parameters.AddWithValue("name", name);
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                if (transaction is not null)
                {
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await ExecuteAsync(connection, PostgresDialect.PostgresSpelling.CityOpsSchema(), cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, Upgrades, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({SchemaLockKey})", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
