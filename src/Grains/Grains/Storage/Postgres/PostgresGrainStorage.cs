using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace CityOps.Grains.Storage.Postgres;

/// <summary>
/// Orleans grain storage in the cluster's PostgreSQL, like <see cref="SqliteGrainStorage"/>: the Orleans binary
/// format and an etag checked on every write. When a node dies, its grains reactivate on another node from the
/// last state written here; should the dead node still be running (a partition), its writes fail the etag check.
/// </summary>
public sealed class PostgresGrainStorage(PostgresDatabase db, Serializer serializer) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (etag, payload) = await db.ReadAsync(async connection =>
        {
            await using var command = PostgresDatabase.Command(connection, "SELECT etag, payload FROM grain_state WHERE grain_id = @id AND state_name = @name",
                null, ("id", grainId.ToString()), ("name", stateName));
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            return await reader.ReadAsync().ConfigureAwait(false) ? (reader.GetInt64(0), (byte[])reader.GetValue(1)) : (0L, (byte[]?)null);
        }).ConfigureAwait(false);

        if (payload is null)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        else
        {
            grainState.State = serializer.Deserialize<T>(payload);
            grainState.ETag = etag.ToString(System.Globalization.CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = serializer.SerializeToArray(grainState.State);
        var expected = grainState.ETag is null ? 0L : long.Parse(grainState.ETag, System.Globalization.CultureInfo.InvariantCulture);
        var next = await db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = PostgresDatabase.Command(connection, """
                INSERT INTO grain_state (grain_id, state_name, etag, payload) VALUES (@id, @name, 1, @payload)
                ON CONFLICT (grain_id, state_name) DO UPDATE SET etag = grain_state.etag + 1, payload = excluded.payload
                WHERE grain_state.etag = @expected
                RETURNING etag
                """, transaction, ("id", grainId.ToString()), ("name", stateName), ("payload", payload), ("expected", expected));
            return await command.ExecuteScalarAsync().ConfigureAwait(false) is long etag ? etag : (long?)null;
        }).ConfigureAwait(false);

        if (next is null)
        {
            throw new InconsistentStateException($"Stale state for {grainId}/{stateName}: another activation wrote it.", "unknown", grainState.ETag ?? "none");
        }

        grainState.ETag = next.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = PostgresDatabase.Command(connection, "DELETE FROM grain_state WHERE grain_id = @id AND state_name = @name",
                transaction, ("id", grainId.ToString()), ("name", stateName));
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }).ConfigureAwait(false);
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }
}
