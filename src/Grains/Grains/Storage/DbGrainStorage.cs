using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using static CityOps.Grains.Storage.StoreDatabase;

namespace CityOps.Grains.Storage;

/// <summary>
/// Orleans grain storage (the node's SQLite file, or the cluster's PostgreSQL): the Orleans binary format, which
/// tolerates added fields through the stable <c>[Id(n)]</c> numbering of the state types, and an etag checked on every
/// write. When a node dies its grains reactivate elsewhere from the last state written; should the dead node still be
/// running (a partition), its writes fail the etag check.
/// </summary>
public sealed class DbGrainStorage(StoreDatabase db, Serializer serializer) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var rows = await db.ReadAsync(async connection =>
        {
            await using var command = Command(connection, "SELECT etag, payload FROM grain_state WHERE grain_id = @id AND state_name = @name",
                null, ("id", grainId.ToString()), ("name", stateName));
            return await ListAsync(command, r => (Etag: r.GetInt64(0), Payload: (byte[])r.GetValue(1))).ConfigureAwait(false);
        }).ConfigureAwait(false);

        if (rows.Count == 0)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        else
        {
            grainState.State = serializer.Deserialize<T>(rows[0].Payload);
            grainState.ETag = rows[0].Etag.ToString(System.Globalization.CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = serializer.SerializeToArray(grainState.State);
        var expected = grainState.ETag is null ? 0L : long.Parse(grainState.ETag, System.Globalization.CultureInfo.InvariantCulture);
        var next = await db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, """
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
            await using var command = Command(connection, "DELETE FROM grain_state WHERE grain_id = @id AND state_name = @name",
                transaction, ("id", grainId.ToString()), ("name", stateName));
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }).ConfigureAwait(false);
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }
}
