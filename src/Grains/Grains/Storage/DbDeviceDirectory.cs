using System.Text;
using System.Text.Json;
using static CityOps.Grains.Storage.StoreDatabase;

namespace CityOps.Grains.Storage;

/// <summary>The device registry index (the node's, or the whole cluster's).</summary>
public sealed class DbDeviceDirectory(StoreDatabase db) : IDeviceDirectory
{
    private const string ParentAttribute = CityOps.Rules.RuleSet.ParentAttribute;

    public Task UpsertAsync(DeviceSnapshot device)
    {
        var body = JsonSerializer.Serialize(device with { Last = device.Last.Clear(), Alarms = [] }, CityOpsJson.Options);
        return db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, """
                INSERT INTO devices (id, kind, grid, online, parent, body) VALUES (@id, @kind, @grid, @online, @parent, @body)
                ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, grid = excluded.grid, online = excluded.online, parent = excluded.parent, body = excluded.body
                """, transaction, ("id", device.Id), ("kind", device.Kind), ("grid", device.Grid), ("online", device.Online),
                ("parent", device.Attributes.GetValueOrDefault(ParentAttribute)), ("body", body));
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        });
    }

    public Task<Page<DeviceSnapshot>> QueryAsync(DeviceQuery query) => db.ReadAsync(async connection =>
    {
        var where = new StringBuilder(" WHERE 1=1");
        await using var command = Command(connection, "");
        if (query.Kind is not null)
        {
            where.Append(" AND kind = @kind");
            Add(command, "kind", query.Kind);
        }

        if (query.Grid is not null)
        {
            where.Append(" AND grid = @grid");
            Add(command, "grid", query.Grid);
        }

        if (query.Online is { } online)
        {
            where.Append(" AND online = @online");
            Add(command, "online", online);
        }

        command.CommandText = "SELECT COUNT(*) FROM devices" + where;
        var total = Convert.ToInt32(await command.ExecuteScalarAsync().ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        command.CommandText = "SELECT body FROM devices" + where + " ORDER BY id" + db.Dialect.OrdinalCollation + " LIMIT @limit OFFSET @offset";
        Add(command, "limit", query.PageSize);
        Add(command, "offset", (query.Page - 1) * query.PageSize);
        var items = await ListAsync(command, r => JsonSerializer.Deserialize<DeviceSnapshot>(r.GetString(0), CityOpsJson.Options)!).ConfigureAwait(false);
        return new Page<DeviceSnapshot>(items, total, query.Page, query.PageSize);
    });

    public Task<IReadOnlyList<string>> AllIdsAsync() => db.ReadAsync(async connection =>
    {
        await using var command = Command(connection, "SELECT id FROM devices ORDER BY id" + db.Dialect.OrdinalCollation);
        return (IReadOnlyList<string>)await ListAsync(command, r => r.GetString(0)).ConfigureAwait(false);
    });

    public Task<IReadOnlyList<string>> ChildrenOfAsync(string parentId, int limit) => db.ReadAsync(async connection =>
    {
        await using var command = Command(connection, "SELECT id FROM devices WHERE parent = @parent ORDER BY id" + db.Dialect.OrdinalCollation + " LIMIT @limit",
            null, ("parent", parentId), ("limit", limit));
        return (IReadOnlyList<string>)await ListAsync(command, r => r.GetString(0)).ConfigureAwait(false);
    });
}
