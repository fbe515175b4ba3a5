using System.Text.Json;
using CityOps.Grains.Silences;

namespace CityOps.Grains.Storage.Postgres;

/// <summary>The cluster's silences; each write bumps a change counter that every node polls.</summary>
public sealed class PostgresSilenceStore(PostgresDatabase db) : ISilenceStore
{
    public bool IsShared => true;

    public long Version() => db.Read(connection =>
    {
        using var command = PostgresDatabase.Command(connection, "SELECT COALESCE(MAX(version), 0) FROM cityops_changes WHERE topic = 'silences'");
        return (long)command.ExecuteScalar()!;
    });

    public IReadOnlyList<Silence> All() => db.Read(connection =>
    {
        using var command = PostgresDatabase.Command(connection, "SELECT body FROM silences");
        using var reader = command.ExecuteReader();
        var list = new List<Silence>();
        while (reader.Read())
        {
            list.Add(JsonSerializer.Deserialize<Silence>(reader.GetString(0), CityOpsJson.Options)!);
        }

        return (IReadOnlyList<Silence>)list;
    });

    public Task SaveAsync(Silence silence) => db.WriteAsync(async (connection, transaction) =>
    {
        await using (var command = PostgresDatabase.Command(connection, """
            INSERT INTO silences (id, ends_at, body) VALUES (@id, @ends, @body)
            ON CONFLICT (id) DO UPDATE SET ends_at = excluded.ends_at, body = excluded.body
            """, transaction, ("id", silence.Id), ("ends", silence.EndsAt.ToUnixTimeMilliseconds()), ("body", JsonSerializer.Serialize(silence, CityOpsJson.Options))))
        {
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await using var bump = PostgresDatabase.Command(connection, """
            INSERT INTO cityops_changes (topic, version) VALUES ('silences', 1)
            ON CONFLICT (topic) DO UPDATE SET version = cityops_changes.version + 1
            """, transaction);
        await bump.ExecuteNonQueryAsync().ConfigureAwait(false);
    });
}
