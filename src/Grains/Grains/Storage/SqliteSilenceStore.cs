using System.Text.Json;
using CityOps.Grains.Silences;

namespace CityOps.Grains.Storage;

/// <summary>Silences in the node's SQLite file.</summary>
public sealed class SqliteSilenceStore : ISilenceStore
{
    private readonly SqliteDatabase _db;
    private long _version;

    public SqliteSilenceStore(SqliteDatabase db)
    {
        _db = db;
        _db.WriteAsync((c, t) => SqliteGrainStorage.Execute(c, t, """
            CREATE TABLE IF NOT EXISTS silences (
              id         TEXT PRIMARY KEY,
              ends_at    INTEGER NOT NULL,
              body       TEXT NOT NULL
            );
            """)).GetAwaiter().GetResult();
    }

    public bool IsShared => false;

    public long Version() => Interlocked.Read(ref _version);

    public IReadOnlyList<Silence> All() => _db.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM silences";
        using var reader = command.ExecuteReader();
        var list = new List<Silence>();
        while (reader.Read())
        {
            list.Add(JsonSerializer.Deserialize<Silence>(reader.GetString(0), CityOpsJson.Options)!);
        }

        return (IReadOnlyList<Silence>)list;
    });

    public async Task SaveAsync(Silence silence)
    {
        await _db.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO silences (id, ends_at, body) VALUES ($id, $ends, $body)
                ON CONFLICT (id) DO UPDATE SET ends_at = excluded.ends_at, body = excluded.body
                """;
            command.Parameters.AddWithValue("$id", silence.Id);
            command.Parameters.AddWithValue("$ends", silence.EndsAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$body", JsonSerializer.Serialize(silence, CityOpsJson.Options));
            command.ExecuteNonQuery();
        }).ConfigureAwait(false);
        Interlocked.Increment(ref _version);
    }
}
