using CityOps.Grains.Storage;

namespace CityOps.Tests.Integration.Stores;

/// <summary>
/// The one schema script (<c>Storage/cityops-schema.sql</c>) gives both backends the same tables, columns and indexes,
/// and the upgrade steps each dialect keeps in code bring a database of an earlier version up to it.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class SchemaContractTests(StoreBackends backends)
{
    [Fact]
    public async Task Both_backends_have_the_same_tables_columns_and_indexes()
    {
        var sqlite = await backends.OpenAsync(StoreBackends.Sqlite);
        var postgres = await backends.OpenAsync(StoreBackends.Postgres);

        var tables = await Names(sqlite, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'");
        Assert.Contains("case_events", tables);
        var inList = string.Join(", ", tables.Select(t => $"'{t}'"));

        var sqliteColumns = await Names(sqlite, """
            SELECT m.name || '.' || p.name || CASE WHEN p."notnull" = 1 OR p.pk > 0 THEN ' not null' ELSE '' END
            FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%'
            """);
        var postgresColumns = await Names(postgres, $"""
            SELECT table_name || '.' || column_name || CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END
            FROM information_schema.columns WHERE table_schema = current_schema() AND table_name IN ({inList})
            """);
        Assert.Equal(sqliteColumns, postgresColumns);

        // Primary keys aside (sqlite_autoindex_*, *_pkey), every index by name and table.
        var sqliteIndexes = await Names(sqlite, "SELECT tbl_name || '.' || name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'");
        var postgresIndexes = await Names(postgres, $"SELECT tablename || '.' || indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ({inList}) AND indexname NOT LIKE '%_pkey'");
        Assert.Equal(sqliteIndexes, postgresIndexes);
        Assert.Contains("case_events.case_events_at", sqliteIndexes);
    }

    [Theory]
    [BothBackends]
    public async Task A_database_from_before_the_parent_and_repeats_columns_gains_them_with_its_rows(string backend)
    {
        var db = await backends.OpenAsync(backend, """
            CREATE TABLE devices (id TEXT PRIMARY KEY, kind TEXT NOT NULL, grid TEXT, online {bool} NOT NULL, body TEXT NOT NULL);
            INSERT INTO devices VALUES ('L-1', 'streetlight', NULL, TRUE, '{"id":"L-1","kind":"streetlight","attributes":{"parent":"CAB-1"}}');
            INSERT INTO devices VALUES ('L-2', 'streetlight', NULL, TRUE, '{"id":"L-2","kind":"streetlight","attributes":{}}');
            CREATE TABLE audit_log (seq {serial_seq}, at {bigint} NOT NULL, actor TEXT NOT NULL, method TEXT NOT NULL,
              path TEXT NOT NULL, resource TEXT, status INTEGER NOT NULL, remote TEXT);
            INSERT INTO audit_log (at, actor, method, path, status) VALUES (0, 'engineer', 'POST', '/api/cases', 201);
            """);

        Assert.Equal(["L-1"], await new DbDeviceDirectory(db).ChildrenOfAsync("CAB-1", 10));
        Assert.Equal(1, await db.ReadNumberAsync("SELECT repeats FROM audit_log"));
        Assert.Equal(1, await db.ReadNumberAsync("SELECT COUNT(*) FROM audit_log"));

        // Applying the schema again changes nothing.
        await db.EnsureSchemaAsync();
        Assert.Equal(["L-1"], await new DbDeviceDirectory(db).ChildrenOfAsync("CAB-1", 10));
    }

    private static Task<List<string>> Names(StoreDatabase db, string sql) => db.ReadAsync(async connection =>
    {
        await using var command = StoreDatabase.Command(connection, sql);
        var names = await StoreDatabase.ListAsync(command, reader => reader.GetString(0));
        names.Sort(StringComparer.Ordinal);
        return names;
    });
}
