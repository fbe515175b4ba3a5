using System.Text.Json;
using CityOps.Grains.RuleSets;
using Microsoft.Data.Sqlite;

namespace CityOps.Grains.Storage;

/// <summary>Rule set versions in the node's SQLite file.</summary>
public sealed class SqliteRuleVersionStore : IRuleVersionStore
{
    private readonly SqliteDatabase _db;

    public SqliteRuleVersionStore(SqliteDatabase db)
    {
        _db = db;
        _db.WriteAsync((c, t) => SqliteGrainStorage.Execute(c, t, """
            CREATE TABLE IF NOT EXISTS rule_versions (
              version    INTEGER PRIMARY KEY,
              created_at INTEGER NOT NULL,
              author     TEXT NOT NULL,
              sources    TEXT NOT NULL
            );
            """)).GetAwaiter().GetResult();
        AddNoteColumn();
    }

    public bool IsShared => false;

    public RuleVersion? Latest() => _db.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, created_at, author, sources, note FROM rule_versions ORDER BY version DESC LIMIT 1";
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadVersion(reader) : null;
    });

    public IReadOnlyList<RuleVersion> All() => _db.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, created_at, author, sources, note FROM rule_versions ORDER BY version";
        using var reader = command.ExecuteReader();
        var versions = new List<RuleVersion>();
        while (reader.Read())
        {
            versions.Add(ReadVersion(reader));
        }

        return (IReadOnlyList<RuleVersion>)versions;
    });

    public bool TryAdd(RuleVersion version) => _db.WriteAsync((connection, transaction) =>
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO rule_versions (version, created_at, author, sources, note) VALUES ($v, $at, $author, $sources, $note)
            ON CONFLICT (version) DO NOTHING
            """;
        command.Parameters.AddWithValue("$note", (object?)version.Note ?? DBNull.Value);
        command.Parameters.AddWithValue("$v", version.Version);
        command.Parameters.AddWithValue("$at", version.CreatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$author", version.Author);
        command.Parameters.AddWithValue("$sources", JsonSerializer.Serialize(version.Sources));
        return command.ExecuteNonQuery() == 1;
    }).GetAwaiter().GetResult();

    private static RuleVersion ReadVersion(SqliteDataReader reader) => new(
        reader.GetInt32(0),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
        reader.GetString(2),
        JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(3)) ?? [],
        reader.IsDBNull(4) ? null : reader.GetString(4));

    // Databases from before version notes lack the column; SQLite has no ADD COLUMN IF NOT EXISTS.
    private void AddNoteColumn()
    {
        var hasNote = _db.Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('rule_versions') WHERE name = 'note'";
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
        });
        if (!hasNote)
        {
            _db.WriteAsync((c, t) => SqliteGrainStorage.Execute(c, t, "ALTER TABLE rule_versions ADD COLUMN note TEXT;")).GetAwaiter().GetResult();
        }
    }
}
