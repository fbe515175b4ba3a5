using System.Text;
using System.Text.Json;

namespace CityOps.Grains.Storage;

/// <summary>The device registry index in the node's SQLite file.</summary>
public sealed class SqliteDeviceDirectory : IDeviceDirectory
{
    private readonly SqliteDatabase _db;

    public SqliteDeviceDirectory(SqliteDatabase db)
    {
        _db = db;
        _db.WriteAsync((c, t) => SqliteGrainStorage.Execute(c, t, """
            CREATE TABLE IF NOT EXISTS devices (
              id     TEXT PRIMARY KEY,
              kind   TEXT NOT NULL,
              grid   TEXT,
              online INTEGER NOT NULL,
              body   TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS devices_kind ON devices (kind, id);
            CREATE INDEX IF NOT EXISTS devices_grid ON devices (grid, id);
            """)).GetAwaiter().GetResult();
    }

    public Task UpsertAsync(DeviceSnapshot device)
    {
        var body = JsonSerializer.Serialize(device with { Last = device.Last.Clear(), Alarms = [] }, CityOpsJson.Options);
        return _db.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO devices (id, kind, grid, online, body) VALUES ($id, $kind, $grid, $online, $body)
                ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, grid = excluded.grid, online = excluded.online, body = excluded.body
                """;
            command.Parameters.AddWithValue("$id", device.Id);
            command.Parameters.AddWithValue("$kind", device.Kind);
            command.Parameters.AddWithValue("$grid", (object?)device.Grid ?? DBNull.Value);
            command.Parameters.AddWithValue("$online", device.Online ? 1 : 0);
            command.Parameters.AddWithValue("$body", body);
            command.ExecuteNonQuery();
        });
    }

    public Page<DeviceSnapshot> Query(DeviceQuery query) => _db.Read(connection =>
    {
        var where = new StringBuilder(" WHERE 1=1");
        using var command = connection.CreateCommand();
        if (query.Kind is not null)
        {
            where.Append(" AND kind = $kind");
            command.Parameters.AddWithValue("$kind", query.Kind);
        }

        if (query.Grid is not null)
        {
            where.Append(" AND grid = $grid");
            command.Parameters.AddWithValue("$grid", query.Grid);
        }

        if (query.Online is { } online)
        {
            where.Append(" AND online = $online");
            command.Parameters.AddWithValue("$online", online ? 1 : 0);
        }

        command.CommandText = "SELECT COUNT(*) FROM devices" + where;
        var total = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        command.CommandText = "SELECT body FROM devices" + where + " ORDER BY id LIMIT $limit OFFSET $offset";
        command.Parameters.AddWithValue("$limit", query.PageSize);
        command.Parameters.AddWithValue("$offset", (query.Page - 1) * query.PageSize);
        var items = new List<DeviceSnapshot>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                items.Add(JsonSerializer.Deserialize<DeviceSnapshot>(reader.GetString(0), CityOpsJson.Options)!);
            }
        }

        return new Page<DeviceSnapshot>(items, total, query.Page, query.PageSize);
    });

    public IReadOnlyList<string> AllIds() => _db.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM devices ORDER BY id";
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return (IReadOnlyList<string>)ids;
    });
}
