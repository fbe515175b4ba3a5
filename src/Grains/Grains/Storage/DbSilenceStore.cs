using System.Text.Json;
using CityOps.Grains.Silences;
using static CityOps.Grains.Storage.StoreDatabase;

namespace CityOps.Grains.Storage;

/// <summary>Silences; each write bumps a change counter that the silence book (on every node of a cluster) polls.</summary>
public sealed class DbSilenceStore(StoreDatabase db) : ISilenceStore
{
    public bool IsShared => db.Dialect.IsShared;

    public Task<long> VersionAsync() => db.ReadNumberAsync("SELECT COALESCE(MAX(version), 0) FROM cityops_changes WHERE topic = 'silences'");

    public Task<IReadOnlyList<Silence>> AllAsync() => db.ReadAsync(async connection =>
    {
        await using var command = Command(connection, "SELECT body FROM silences");
        return (IReadOnlyList<Silence>)await ListAsync(command, r => JsonSerializer.Deserialize<Silence>(r.GetString(0), CityOpsJson.Options)!).ConfigureAwait(false);
    });

    public Task SaveAsync(Silence silence) => db.WriteAsync(async (connection, transaction) =>
    {
        await using (var command = Command(connection, """
            INSERT INTO silences (id, ends_at, body) VALUES (@id, @ends, @body)
            ON CONFLICT (id) DO UPDATE SET ends_at = excluded.ends_at, body = excluded.body
            """, transaction, ("id", silence.Id), ("ends", silence.EndsAt.ToUnixTimeMilliseconds()), ("body", JsonSerializer.Serialize(silence, CityOpsJson.Options))))
        {
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await using var bump = Command(connection, """
            INSERT INTO cityops_changes (topic, version) VALUES ('silences', 1)
            ON CONFLICT (topic) DO UPDATE SET version = cityops_changes.version + 1
            """, transaction);
        await bump.ExecuteNonQueryAsync().ConfigureAwait(false);
    });
}
