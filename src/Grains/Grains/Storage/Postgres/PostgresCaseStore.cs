using System.Text;
using System.Text.Json;
using CityOps.Grains.Dispatch;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CityOps.Grains.Storage.Postgres;

/// <summary>
/// Cases of the whole cluster in PostgreSQL, with the durable event log (every node's SSE reads it) and the
/// webhook outbox (delivered by the one node holding the lease), written in one transaction as in
/// <see cref="SqliteCaseStore"/>. Case ids are made by device grains before filing and rows are upserted by id,
/// so filing a case again after a node died in between changes nothing.
/// </summary>
public sealed class PostgresCaseStore(PostgresDatabase db, IOptions<DispatchOptions> dispatch) : ICaseStore, IWebhookOutbox
{
    // Serialises event numbering across nodes for the length of one transaction.
    private const long EventLockKey = 0x4369_7479_4f70_0002;

    private readonly bool _outbox = dispatch.Value.Enabled;

    public Task<StoredCaseEvent> SaveAsync(CaseSnapshot snapshot, string eventName, DateTimeOffset at)
    {
        var key = Guid.NewGuid().ToString("N");
        return db.WriteAsync(async (connection, transaction) =>
        {
            await UpsertAsync(connection, transaction, snapshot).ConfigureAwait(false);
            await using (var lockCommand = PostgresDatabase.Command(connection, $"SELECT pg_advisory_xact_lock({EventLockKey})", transaction))
            {
                await lockCommand.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            long seq;
            await using (var next = PostgresDatabase.Command(connection, "SELECT COALESCE(MAX(seq), 0) + 1 FROM case_events", transaction))
            {
                seq = (long)(await next.ExecuteScalarAsync().ConfigureAwait(false))!;
            }

            var body = JsonSerializer.Serialize(new { @event = eventName, id = key, sequence = seq, at, @case = snapshot }, CityOpsJson.Options);
            await using (var insert = PostgresDatabase.Command(connection,
                "INSERT INTO case_events (seq, event_key, case_id, event, at, body) VALUES (@seq, @key, @case, @event, @at, @body)",
                transaction, ("seq", seq), ("key", key), ("case", snapshot.Id), ("event", eventName), ("at", at.ToUnixTimeMilliseconds()), ("body", body)))
            {
                await insert.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            if (_outbox)
            {
                await using var outbox = PostgresDatabase.Command(connection,
                    "INSERT INTO webhook_outbox (seq, case_id, state, attempts, next_at) VALUES (@seq, @case, 'pending', 0, 0)",
                    transaction, ("seq", seq), ("case", snapshot.Id));
                await outbox.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            return new StoredCaseEvent(seq, key, snapshot.Id, eventName, at, body);
        });
    }

    public Task SaveAsync(CaseSnapshot snapshot) => db.WriteAsync((connection, transaction) => UpsertAsync(connection, transaction, snapshot));

    public IReadOnlyList<StoredCaseEvent> EventsAfter(long sequence, int limit) => db.Read(connection =>
    {
        using var command = PostgresDatabase.Command(connection,
            "SELECT seq, event_key, case_id, event, at, body FROM case_events WHERE seq > @seq ORDER BY seq LIMIT @limit",
            null, ("seq", sequence), ("limit", limit));
        using var reader = command.ExecuteReader();
        var events = new List<StoredCaseEvent>();
        while (reader.Read())
        {
            events.Add(ReadEvent(reader));
        }

        return (IReadOnlyList<StoredCaseEvent>)events;
    });

    public long LastSequence() => db.Read(connection =>
    {
        using var command = PostgresDatabase.Command(connection, "SELECT COALESCE(MAX(seq), 0) FROM case_events");
        return (long)command.ExecuteScalar()!;
    });

    public Task<int> PruneEventsAsync(DateTimeOffset before) => db.WriteAsync(async (connection, transaction) =>
    {
        await using var prune = PostgresDatabase.Command(connection, """
            DELETE FROM case_events WHERE at < @before
              AND seq NOT IN (SELECT seq FROM webhook_outbox WHERE state = 'pending')
              AND seq < (SELECT MAX(seq) FROM case_events)
            """, transaction, ("before", before.ToUnixTimeMilliseconds()));
        var pruned = await prune.ExecuteNonQueryAsync().ConfigureAwait(false);
        await using var orphans = PostgresDatabase.Command(connection,
            "DELETE FROM webhook_outbox WHERE state <> 'pending' AND seq NOT IN (SELECT seq FROM case_events)", transaction);
        await orphans.ExecuteNonQueryAsync().ConfigureAwait(false);
        return pruned;
    });

    public IReadOnlyList<OutboxEntry> Pending(int limit) => db.Read(connection =>
    {
        using var command = PostgresDatabase.Command(connection, """
            SELECT e.seq, e.event_key, e.case_id, e.event, e.at, e.body, o.attempts, o.next_at
            FROM webhook_outbox o JOIN case_events e ON e.seq = o.seq
            WHERE o.state = 'pending' ORDER BY o.seq LIMIT @limit
            """, null, ("limit", limit));
        using var reader = command.ExecuteReader();
        var entries = new List<OutboxEntry>();
        while (reader.Read())
        {
            entries.Add(new OutboxEntry(ReadEvent(reader), reader.GetInt32(6), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7))));
        }

        return (IReadOnlyList<OutboxEntry>)entries;
    });

    public int PendingCount() => db.Read(connection =>
    {
        using var command = PostgresDatabase.Command(connection, "SELECT COUNT(*) FROM webhook_outbox WHERE state = 'pending'");
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    });

    public Task DeliveredAsync(long sequence) => SetOutbox(sequence, "delivered", null, null, null);

    public Task RetryLaterAsync(long sequence, int attempts, DateTimeOffset nextAttemptAt, string error) =>
        SetOutbox(sequence, "pending", attempts, nextAttemptAt, error);

    public Task ParkAsync(long sequence, int attempts, string error) => SetOutbox(sequence, "parked", attempts, null, error);

    public CaseSnapshot? Find(string id) => db.Read(connection =>
    {
        using var command = PostgresDatabase.Command(connection, "SELECT body FROM cases WHERE id = @id", null, ("id", id));
        return command.ExecuteScalar() is string body ? Deserialize(body) : null;
    });

    public Page<CaseSnapshot> Query(CaseQuery query) => db.Read(connection =>
    {
        var where = new StringBuilder(" WHERE 1=1");
        using var command = new NpgsqlCommand { Connection = connection };
        void Filter(string column, string name, object? value, string op = "=")
        {
            if (value is null)
            {
                return;
            }

            where.Append(" AND ").Append(column).Append(' ').Append(op).Append(" @").Append(name);
            command.Parameters.AddWithValue(name, value);
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

        command.CommandText = "SELECT body FROM cases" + where + " ORDER BY opened_at DESC, id DESC LIMIT @limit OFFSET @offset";
        command.Parameters.AddWithValue("limit", query.PageSize);
        command.Parameters.AddWithValue("offset", (query.Page - 1) * query.PageSize);
        return new Page<CaseSnapshot>(ReadAll(command), total, query.Page, query.PageSize);
    });

    public IReadOnlyList<CaseSnapshot> Open() => db.Read(connection =>
    {
        using var command = PostgresDatabase.Command(connection, "SELECT body FROM cases WHERE status <> 'closed'");
        return ReadAll(command);
    });

    public IReadOnlyList<CaseSnapshot> ActiveBetween(DateTimeOffset from, DateTimeOffset to) => db.Read(connection =>
    {
        using var command = PostgresDatabase.Command(connection, "SELECT body FROM cases WHERE opened_at < @to AND updated_at >= @from",
            null, ("from", from.ToUnixTimeMilliseconds()), ("to", to.ToUnixTimeMilliseconds()));
        return ReadAll(command);
    });

    private static async Task UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CaseSnapshot snapshot)
    {
        await using var command = PostgresDatabase.Command(connection, """
            INSERT INTO cases (id, status, code, unit, grid, device_id, rule_id, opened_at, updated_at, body)
            VALUES (@id, @status, @code, @unit, @grid, @device, @rule, @opened, @updated, @body)
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, code = excluded.code, unit = excluded.unit,
              grid = excluded.grid, updated_at = excluded.updated_at, body = excluded.body
            """, transaction,
            ("id", snapshot.Id), ("status", snapshot.Status), ("code", snapshot.Code), ("unit", snapshot.Unit), ("grid", snapshot.Grid),
            ("device", snapshot.DeviceId), ("rule", snapshot.RuleId), ("opened", snapshot.OpenedAt.ToUnixTimeMilliseconds()),
            ("updated", snapshot.UpdatedAt.ToUnixTimeMilliseconds()), ("body", JsonSerializer.Serialize(snapshot, CityOpsJson.Options)));
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private Task SetOutbox(long sequence, string state, int? attempts, DateTimeOffset? nextAt, string? error) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = PostgresDatabase.Command(connection, """
                UPDATE webhook_outbox SET state = @state, attempts = COALESCE(@attempts, attempts),
                  next_at = COALESCE(@next, next_at), last_error = COALESCE(@error, last_error)
                WHERE seq = @seq
                """, transaction, ("seq", sequence), ("state", state));
            command.Parameters.Add(new NpgsqlParameter("attempts", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)attempts ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("next", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)nextAt?.ToUnixTimeMilliseconds() ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("error", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)error ?? DBNull.Value });
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        });

    private static StoredCaseEvent ReadEvent(NpgsqlDataReader reader) => new(
        reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), reader.GetString(5));

    private static List<CaseSnapshot> ReadAll(NpgsqlCommand command)
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
