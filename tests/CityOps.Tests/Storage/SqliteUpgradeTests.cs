using CityOps.Grains.Dispatch;
using CityOps.Grains.RuleSets;
using CityOps.Grains.Storage;
using CityOps.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace CityOps.Tests.Storage;

/// <summary>A data folder written by the version before the schema script (tables made by each store, no version notes) still opens.</summary>
public sealed class SqliteUpgradeTests
{
    [Fact]
    public async Task A_database_from_before_the_schema_script_opens_with_its_rows()
    {
        using var folder = new TempFolder("sqlite-upgrade");
        var path = folder.Combine("cityops.db");
        await using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await old.OpenAsync();
            await using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE rule_versions (version INTEGER PRIMARY KEY, created_at INTEGER NOT NULL, author TEXT NOT NULL, sources TEXT NOT NULL);
                INSERT INTO rule_versions VALUES (4, 0, 'file', '{"a.yaml":"rules: []"}');
                CREATE TABLE case_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_key TEXT NOT NULL, case_id TEXT NOT NULL,
                  event TEXT NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL);
                INSERT INTO case_events VALUES (7, 'k', 'c', 'case.filed', 0, '{}');
                CREATE TABLE silences (id TEXT PRIMARY KEY, ends_at INTEGER NOT NULL, body TEXT NOT NULL);
                """;
            await create.ExecuteNonQueryAsync();
        }

        using var db = StoreDatabase.Sqlite(path);
        var versions = new DbRuleVersionStore(db);
        var latest = await versions.LatestAsync();
        Assert.Equal((4, (string?)null), (latest!.Version, latest.Note));
        Assert.True(await versions.TryAddAsync(new RuleVersion(5, DateTimeOffset.UnixEpoch, "api", new Dictionary<string, string>(), "restores version 4")));
        Assert.Equal("restores version 4", (await versions.LatestAsync())!.Note);

        var cases = new DbCaseStore(db, Options.Create(new DispatchOptions()));
        Assert.Equal(7, await cases.LastSequenceAsync());
        Assert.Equal(0, await new DbSilenceStore(db).VersionAsync());

        // Opening again changes nothing (the script is idempotent).
        using var again = StoreDatabase.Sqlite(path);
        Assert.Equal(5, (await new DbRuleVersionStore(again).LatestAsync())!.Version);
    }

    [Fact]
    public async Task A_device_directory_from_before_the_parent_column_gains_it_filled_from_the_stored_attributes()
    {
        using var folder = new TempFolder("sqlite-upgrade");
        var path = folder.Combine("cityops.db");
        await using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await old.OpenAsync();
            await using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE devices (id TEXT PRIMARY KEY, kind TEXT NOT NULL, grid TEXT, online INTEGER NOT NULL, body TEXT NOT NULL);
                INSERT INTO devices VALUES ('L-1', 'streetlight', NULL, 1, '{"id":"L-1","kind":"streetlight","attributes":{"parent":"CAB-1"}}');
                INSERT INTO devices VALUES ('L-2', 'streetlight', NULL, 1, '{"id":"L-2","kind":"streetlight","attributes":{}}');
                """;
            await create.ExecuteNonQueryAsync();
        }

        using var db = StoreDatabase.Sqlite(path);
        Assert.Equal(["L-1"], await new DbDeviceDirectory(db).ChildrenOfAsync("CAB-1", 10));
        using var again = StoreDatabase.Sqlite(path);
        Assert.Equal(["L-1"], await new DbDeviceDirectory(again).ChildrenOfAsync("CAB-1", 10));
    }
}
