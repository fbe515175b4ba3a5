using System.Text;
using System.Text.Json;
using Npgsql;

namespace CityOps.Grains.Storage.Postgres;

/// <summary>The device registry index of the whole cluster in PostgreSQL (see <see cref="SqliteDeviceDirectory"/>).</summary>
public sealed class PostgresDeviceDirectory(PostgresDatabase db) : IDeviceDirectory
{
    public Task UpsertAsync(DeviceSnapshot device)
    {
        var body = JsonSerializer.Serialize(device with { Last = device.Last.Clear(), Alarms = [] }, CityOpsJson.Options);
        return db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = PostgresDatabase.Command(connection, """
                INSERT INTO devices (id, kind, grid, online, body) VALUES (@id, @kind, @grid, @online, @body)
                ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, grid = excluded.grid, online = excluded.online, body = excluded.body
                """, transaction, ("id", device.Id), ("kind", device.Kind), ("grid", device.Grid), ("online", device.Online), ("body", body));
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        });
    }

    public Page<DeviceSnapshot> Query(DeviceQuery query) => db.Read(connection =>
    {
        var where = new StringBuilder(" WHERE 1=1");
        using var command = new NpgsqlCommand { Connection = connection };
        if (query.Kind is not null)
        {
            where.Append(" AND kind = @kind");
            command.Parameters.AddWithValue("kind", query.Kind);
        }

        if (query.Grid is not null)
        {
            where.Append(" AND grid = @grid");
            command.Parameters.AddWithValue("grid", query.Grid);
        }

        if (query.Online is { } online)
        {
            where.Append(" AND online = @online");
            command.Parameters.AddWithValue("online", online);
        }

        command.CommandText = "SELECT COUNT(*) FROM devices" + where;
        var total = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        command.CommandText = "SELECT body FROM devices" + where + " ORDER BY id COLLATE \"C\" LIMIT @limit OFFSET @offset";
        command.Parameters.AddWithValue("limit", query.PageSize);
        command.Parameters.AddWithValue("offset", (query.Page - 1) * query.PageSize);
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

    public IReadOnlyList<string> AllIds() => db.Read(connection =>
    {
        using var command = PostgresDatabase.Command(connection, "SELECT id FROM devices ORDER BY id COLLATE \"C\"");
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return (IReadOnlyList<string>)ids;
    });
}
