using Microsoft.Data.Sqlite;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace CityOps.Grains.Storage;

/// <summary>
/// Orleans grain storage in the node's SQLite file: the single-node default, so alarm state and
/// registry data survive a restart without any server. Payloads use the Orleans serializer, which
/// tolerates added fields through the stable <c>[Id(n)]</c> numbering of the state types.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage
{
    private readonly SqliteDatabase _db;
    private readonly Serializer _serializer;

    public SqliteGrainStorage(SqliteDatabase db, Serializer serializer)
    {
        _db = db;
        _serializer = serializer;
        _db.WriteAsync((c, t) => Execute(c, t, """
            CREATE TABLE IF NOT EXISTS grain_state (
              grain_id   TEXT NOT NULL,
              state_name TEXT NOT NULL,
              etag       INTEGER NOT NULL,
              payload    BLOB NOT NULL,
              PRIMARY KEY (grain_id, state_name)
            ) WITHOUT ROWID;
            """)).GetAwaiter().GetResult();
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (etag, payload) = _db.Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT etag, payload FROM grain_state WHERE grain_id = $id AND state_name = $name";
            command.Parameters.AddWithValue("$id", grainId.ToString());
            command.Parameters.AddWithValue("$name", stateName);
            using var reader = command.ExecuteReader();
            return reader.Read() ? (reader.GetInt64(0), (byte[])reader.GetValue(1)) : (0L, null);
        });

        if (payload is null)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        else
        {
            grainState.State = _serializer.Deserialize<T>(payload);
            grainState.ETag = etag.ToString(System.Globalization.CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = _serializer.SerializeToArray(grainState.State);
        var expected = grainState.ETag is null ? 0L : long.Parse(grainState.ETag, System.Globalization.CultureInfo.InvariantCulture);
        var next = await _db.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO grain_state (grain_id, state_name, etag, payload) VALUES ($id, $name, 1, $payload)
                ON CONFLICT (grain_id, state_name) DO UPDATE SET etag = etag + 1, payload = excluded.payload
                WHERE grain_state.etag = $expected
                RETURNING etag
                """;
            command.Parameters.AddWithValue("$id", grainId.ToString());
            command.Parameters.AddWithValue("$name", stateName);
            command.Parameters.AddWithValue("$payload", payload);
            command.Parameters.AddWithValue("$expected", expected);
            return command.ExecuteScalar() is long etag ? etag : (long?)null;
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
        await _db.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM grain_state WHERE grain_id = $id AND state_name = $name";
            command.Parameters.AddWithValue("$id", grainId.ToString());
            command.Parameters.AddWithValue("$name", stateName);
            command.ExecuteNonQuery();
        }).ConfigureAwait(false);
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    internal static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
