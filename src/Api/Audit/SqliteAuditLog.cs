using CityOps.Grains.Storage;
using Microsoft.Data.Sqlite;

namespace CityOps.Api.Audit;

/// <summary>The audit log as table <c>audit_log</c> in the node's SQLite file under <c>CityOps:DataDir</c>.</summary>
public sealed class SqliteAuditLog : IAuditLog
{
    private readonly SqliteDatabase _db;

    public SqliteAuditLog(SqliteDatabase db)
    {
        _db = db;
        _db.WriteAsync((c, t) =>
        {
            using var command = c.CreateCommand();
            command.Transaction = t;
            command.CommandText = """
                CREATE TABLE IF NOT EXISTS audit_log (
                  seq      INTEGER PRIMARY KEY AUTOINCREMENT,
                  at       INTEGER NOT NULL,
                  actor    TEXT NOT NULL,
                  method   TEXT NOT NULL,
                  path     TEXT NOT NULL,
                  resource TEXT,
                  status   INTEGER NOT NULL,
                  remote   TEXT
                );
                CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at DESC);
                CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log (actor, at DESC);
                """;
            command.ExecuteNonQuery();
        }).GetAwaiter().GetResult();
    }

    public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((c, t) =>
        {
            using var command = c.CreateCommand();
            command.Transaction = t;
            command.CommandText = """
                INSERT INTO audit_log (at, actor, method, path, resource, status, remote)
                VALUES ($at, $actor, $method, $path, $resource, $status, $remote)
                """;
            command.Parameters.AddWithValue("$at", entry.At.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$actor", entry.Actor);
            command.Parameters.AddWithValue("$method", entry.Method);
            command.Parameters.AddWithValue("$path", entry.Path);
            command.Parameters.AddWithValue("$resource", (object?)entry.ResourceId ?? DBNull.Value);
            command.Parameters.AddWithValue("$status", entry.Status);
            command.Parameters.AddWithValue("$remote", (object?)entry.RemoteAddress ?? DBNull.Value);
            command.ExecuteNonQuery();
        }, cancellationToken);

    public Page<AuditEntry> Query(AuditQuery query) => _db.Read(connection =>
    {
        using var command = connection.CreateCommand();
        var where = new List<string>();
        if (query.From is { } from)
        {
            where.Add("at >= $from");
            command.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
        }

        if (query.To is { } to)
        {
            where.Add("at < $to");
            command.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds());
        }

        if (query.Actor is { } actor)
        {
            where.Add("actor = $actor");
            command.Parameters.AddWithValue("$actor", actor);
        }

        var filter = where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where);
        command.CommandText = "SELECT COUNT(*) FROM audit_log" + filter;
        var total = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);

        command.CommandText = "SELECT seq, at, actor, method, path, resource, status, remote FROM audit_log" + filter
            + " ORDER BY seq DESC LIMIT $limit OFFSET $offset";
        command.Parameters.AddWithValue("$limit", query.PageSize);
        command.Parameters.AddWithValue("$offset", (long)(query.Page - 1) * query.PageSize);
        var items = new List<AuditEntry>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            items.Add(Read(reader));
        }

        return new Page<AuditEntry>(items, total, query.Page, query.PageSize);
    });

    private static AuditEntry Read(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.GetInt32(6),
        reader.IsDBNull(7) ? null : reader.GetString(7));
}
