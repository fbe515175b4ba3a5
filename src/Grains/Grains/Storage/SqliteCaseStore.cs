using System.Text;
using System.Text.Json;
using CityOps.Grains.Dispatch;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace CityOps.Grains.Storage;

/// <summary>
/// Cases in the node's SQLite file: indexed columns for the filters, the whole case as JSON; beside them
/// the durable log of case events (SSE replay) and the webhook outbox, written in the same transaction.
/// </summary>
public sealed class SqliteCaseStore : ICaseStore, IWebhookOutbox
{
    private readonly SqliteDatabase _db;
    private readonly bool _outbox;

    public SqliteCaseStore(SqliteDatabase db, IOptions<DispatchOptions> dispatch)
    {
        _db = db;
        _outbox = dispatch.Value.Enabled;
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
            CREATE TABLE IF NOT EXISTS case_events (
              seq        INTEGER PRIMARY KEY AUTOINCREMENT,
              event_key  TEXT NOT NULL,
              case_id    TEXT NOT NULL,
              event      TEXT NOT NULL,
              at         INTEGER NOT NULL,
              body       TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS webhook_outbox (
              seq        INTEGER PRIMARY KEY,
              case_id    TEXT NOT NULL,
              state      TEXT NOT NULL,
              attempts   INTEGER NOT NULL,
              next_at    INTEGER NOT NULL,
              last_error TEXT
            );
            CREATE INDEX IF NOT EXISTS webhook_outbox_pending ON webhook_outbox (state, seq);
            """)).GetAwaiter().GetResult();
    }

    public Task<StoredCaseEvent> SaveAsync(CaseSnapshot snapshot, string eventName, DateTimeOffset at)
    {
        var key = Guid.NewGuid().ToString("N");
        return _db.WriteAsync((connection, transaction) =>
        {
            Upsert(connection, transaction, snapshot);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT COALESCE(MAX(seq), 0) + 1 FROM case_events";
            var seq = (long)command.ExecuteScalar()!;
            var body = JsonSerializer.Serialize(new { @event = eventName, id = key, sequence = seq, at, @case = snapshot }, CityOpsJson.Options);
            command.CommandText = "INSERT INTO case_events (seq, event_key, case_id, event, at, body) VALUES ($seq, $key, $case, $event, $at, $body)";
            command.Parameters.AddWithValue("$seq", seq);
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$case", snapshot.Id);
            command.Parameters.AddWithValue("$event", eventName);
            command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$body", body);
            command.ExecuteNonQuery();
            if (_outbox)
            {
                command.CommandText = "INSERT INTO webhook_outbox (seq, case_id, state, attempts, next_at) VALUES ($seq, $case, 'pending', 0, 0)";
                command.ExecuteNonQuery();
            }

            return new StoredCaseEvent(seq, key, snapshot.Id, eventName, at, body);
        });
    }

    public IReadOnlyList<StoredCaseEvent> EventsAfter(long sequence, int limit) => _db.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, event_key, case_id, event, at, body FROM case_events WHERE seq > $seq ORDER BY seq LIMIT $limit";
        command.Parameters.AddWithValue("$seq", sequence);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var events = new List<StoredCaseEvent>();
        while (reader.Read())
        {
            events.Add(ReadEvent(reader, 0));
        }

        return (IReadOnlyList<StoredCaseEvent>)events;
    });

    public long LastSequence() => _db.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(seq), 0) FROM case_events";
        return (long)command.ExecuteScalar()!;
    });

    public Task<int> PruneEventsAsync(DateTimeOffset before) => _db.WriteAsync((connection, transaction) =>
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            DELETE FROM case_events WHERE at < $before
              AND seq NOT IN (SELECT seq FROM webhook_outbox WHERE state = 'pending');
            """;
        command.Parameters.AddWithValue("$before", before.ToUnixTimeMilliseconds());
        var pruned = command.ExecuteNonQuery();
        command.CommandText = "DELETE FROM webhook_outbox WHERE state <> 'pending' AND seq NOT IN (SELECT seq FROM case_events)";
        command.ExecuteNonQuery();
        return pruned;
    });

    public IReadOnlyList<OutboxEntry> Pending(int limit) => _db.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT e.seq, e.event_key, e.case_id, e.event, e.at, e.body, o.attempts, o.next_at
            FROM webhook_outbox o JOIN case_events e ON e.seq = o.seq
            WHERE o.state = 'pending' ORDER BY o.seq LIMIT $limit
            """;
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var entries = new List<OutboxEntry>();
        while (reader.Read())
        {
            entries.Add(new OutboxEntry(ReadEvent(reader, 0), reader.GetInt32(6), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7))));
        }

        return (IReadOnlyList<OutboxEntry>)entries;
    });

    public int PendingCount() => _db.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM webhook_outbox WHERE state = 'pending'";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    });

    public Task DeliveredAsync(long sequence) => SetOutbox(sequence, "delivered", null, null, null);

    public Task RetryLaterAsync(long sequence, int attempts, DateTimeOffset nextAttemptAt, string error) =>
        SetOutbox(sequence, "pending", attempts, nextAttemptAt, error);

    public Task ParkAsync(long sequence, int attempts, string error) => SetOutbox(sequence, "parked", attempts, null, error);

    private Task SetOutbox(long sequence, string state, int? attempts, DateTimeOffset? nextAt, string? error) =>
        _db.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE webhook_outbox SET state = $state, attempts = COALESCE($attempts, attempts),
                  next_at = COALESCE($next, next_at), last_error = COALESCE($error, last_error)
                WHERE seq = $seq
                """;
            command.Parameters.AddWithValue("$seq", sequence);
            command.Parameters.AddWithValue("$state", state);
            command.Parameters.AddWithValue("$attempts", (object?)attempts ?? DBNull.Value);
            command.Parameters.AddWithValue("$next", (object?)nextAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
            command.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
            command.ExecuteNonQuery();
        });

    private static StoredCaseEvent ReadEvent(SqliteDataReader reader, int offset) => new(
        reader.GetInt64(offset), reader.GetString(offset + 1), reader.GetString(offset + 2), reader.GetString(offset + 3),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(offset + 4)), reader.GetString(offset + 5));

    public CaseSnapshot? Find(string id) => _db.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM cases WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteScalar() is string body ? Deserialize(body) : null;
    });

    public Task SaveAsync(CaseSnapshot snapshot) => _db.WriteAsync((connection, transaction) => Upsert(connection, transaction, snapshot));

    private static void Upsert(SqliteConnection connection, SqliteTransaction transaction, CaseSnapshot snapshot)
    {
        var body = JsonSerializer.Serialize(snapshot, CityOpsJson.Options);
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
