using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace CityOps.Grains.Storage;

/// <summary>Cases in the node's SQLite file: indexed columns for the filters, the whole case as JSON.</summary>
public sealed class SqliteCaseStore : ICaseStore
{
    private readonly SqliteDatabase _db;

    public SqliteCaseStore(SqliteDatabase db)
    {
        _db = db;
        _db.WriteAsync((c, t) => SqliteGrainStorage.Execute(c, t, """
            CREATE TABLE IF NOT EXISTS cases (
              id         TEXT PRIMARY KEY,
              status     TEXT NOT NULL,
              code       TEXT NOT NULL,
              unit       TEXT,
              grid       TEXT,
              device_id  TEXT,
              rule_id    TEXT,
              opened_at  INTEGER NOT NULL,
              updated_at INTEGER NOT NULL,
              body       TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS cases_opened ON cases (opened_at DESC);
            CREATE INDEX IF NOT EXISTS cases_device ON cases (device_id, rule_id);
            CREATE INDEX IF NOT EXISTS cases_status ON cases (status, opened_at DESC);
            """)).GetAwaiter().GetResult();
    }

    public CaseSnapshot? Find(string id) => _db.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM cases WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteScalar() is string body ? Deserialize(body) : null;
    });

    public Task SaveAsync(CaseSnapshot snapshot)
    {
        var body = JsonSerializer.Serialize(snapshot, CityOpsJson.Options);
        return _db.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO cases (id, status, code, unit, grid, device_id, rule_id, opened_at, updated_at, body)
                VALUES ($id, $status, $code, $unit, $grid, $device, $rule, $opened, $updated, $body)
                ON CONFLICT (id) DO UPDATE SET status = excluded.status, code = excluded.code, unit = excluded.unit,
                  grid = excluded.grid, updated_at = excluded.updated_at, body = excluded.body
                """;
            command.Parameters.AddWithValue("$id", snapshot.Id);
            command.Parameters.AddWithValue("$status", snapshot.Status);
            command.Parameters.AddWithValue("$code", snapshot.Code);
            command.Parameters.AddWithValue("$unit", (object?)snapshot.Unit ?? DBNull.Value);
            command.Parameters.AddWithValue("$grid", (object?)snapshot.Grid ?? DBNull.Value);
            command.Parameters.AddWithValue("$device", (object?)snapshot.DeviceId ?? DBNull.Value);
            command.Parameters.AddWithValue("$rule", (object?)snapshot.RuleId ?? DBNull.Value);
            command.Parameters.AddWithValue("$opened", snapshot.OpenedAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$updated", snapshot.UpdatedAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$body", body);
            command.ExecuteNonQuery();
        });
    }

    public Page<CaseSnapshot> Query(CaseQuery query) => _db.Read(connection =>
    {
        var where = new StringBuilder(" WHERE 1=1");
        using var command = connection.CreateCommand();
        void Filter(string column, string name, object? value, string op = "=")
        {
            if (value is null)
            {
                return;
            }

            where.Append(" AND ").Append(column).Append(' ').Append(op).Append(" $").Append(name);
            command.Parameters.AddWithValue("$" + name, value);
        }

        Filter("status", "status", query.Status);
        Filter("code", "code", query.Code);
        Filter("unit", "unit", query.Unit);
        Filter("grid", "grid", query.Grid);
        Filter("device_id", "device", query.DeviceId);
        Filter("opened_at", "from", query.From?.ToUnixTimeMilliseconds(), ">=");
        Filter("opened_at", "to", query.To?.ToUnixTimeMilliseconds(), "<");

        command.CommandText = "SELECT COUNT(*) FROM cases" + where;
        var total = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);

        command.CommandText = "SELECT body FROM cases" + where + " ORDER BY opened_at DESC, id DESC LIMIT $limit OFFSET $offset";
        command.Parameters.AddWithValue("$limit", query.PageSize);
        command.Parameters.AddWithValue("$offset", (query.Page - 1) * query.PageSize);
        var items = new List<CaseSnapshot>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                items.Add(Deserialize(reader.GetString(0)));
            }
        }

        return new Page<CaseSnapshot>(items, total, query.Page, query.PageSize);
    });

    public IReadOnlyList<CaseSnapshot> Open() => _db.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM cases WHERE status <> 'closed'";
        return ReadAll(command);
    });

    public IReadOnlyList<CaseSnapshot> ActiveBetween(DateTimeOffset from, DateTimeOffset to) => _db.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM cases WHERE opened_at < $to AND updated_at >= $from";
        command.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds());
        return ReadAll(command);
    });

    private static IReadOnlyList<CaseSnapshot> ReadAll(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var items = new List<CaseSnapshot>();
        while (reader.Read())
        {
            items.Add(Deserialize(reader.GetString(0)));
        }

        return items;
    }

    private static CaseSnapshot Deserialize(string body) =>
        JsonSerializer.Deserialize<CaseSnapshot>(body, CityOpsJson.Options)
        ?? throw new InvalidDataException("A stored case is empty.");
}
