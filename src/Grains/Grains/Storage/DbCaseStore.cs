using System.Data;
using System.Data.Common;
using System.Text;
using System.Text.Json;
using CityOps.Grains.Dispatch;
using Microsoft.Extensions.Options;
using static CityOps.Grains.Storage.StoreDatabase;

namespace CityOps.Grains.Storage;

/// <summary>
/// Cases (the node's, or the whole cluster's): indexed columns for the filters, the whole case as JSON; beside them the
/// durable log of case events (SSE replay, every node reads it) and the webhook outbox, written in the same
/// transaction. Case ids are made by device grains before filing and rows are upserted by id, so filing a case again
/// after a node died in between changes nothing.
/// </summary>
public sealed class DbCaseStore(StoreDatabase db, IOptions<DispatchOptions> dispatch) : ICaseStore, IWebhookOutbox
{
    private readonly bool _outbox = dispatch.Value.Enabled;

    public Task<StoredCaseEvent> SaveAsync(CaseSnapshot snapshot, string eventName, DateTimeOffset at)
    {
        var key = Guid.NewGuid().ToString("N");
        return db.WriteAsync(async (connection, transaction) =>
        {
            await UpsertAsync(connection, transaction, snapshot).ConfigureAwait(false);
            if (db.Dialect.EventNumberingLock is { } numberingLock)
            {
                await using var lockCommand = Command(connection, numberingLock, transaction);
                await lockCommand.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            long seq;
            await using (var next = Command(connection, "SELECT COALESCE(MAX(seq), 0) + 1 FROM case_events", transaction))
            {
                seq = Convert.ToInt64(await next.ExecuteScalarAsync().ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            }

            var body = JsonSerializer.Serialize(new { @event = eventName, id = key, sequence = seq, at, @case = snapshot }, CityOpsJson.Options);
            await using (var insert = Command(connection,
                "INSERT INTO case_events (seq, event_key, case_id, event, at, body) VALUES (@seq, @key, @case, @event, @at, @body)",
                transaction, ("seq", seq), ("key", key), ("case", snapshot.Id), ("event", eventName), ("at", at.ToUnixTimeMilliseconds()), ("body", body)))
            {
                await insert.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            if (_outbox)
            {
                await using var outbox = Command(connection,
                    "INSERT INTO webhook_outbox (seq, case_id, state, attempts, next_at) VALUES (@seq, @case, 'pending', 0, 0)",
                    transaction, ("seq", seq), ("case", snapshot.Id));
                await outbox.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            return new StoredCaseEvent(seq, key, snapshot.Id, eventName, at, body);
        });
    }

    public Task SaveAsync(CaseSnapshot snapshot) => db.WriteAsync((connection, transaction) => UpsertAsync(connection, transaction, snapshot));

    public Task<IReadOnlyList<StoredCaseEvent>> EventsAfterAsync(long sequence, int limit) => db.ReadAsync(async connection =>
    {
        await using var command = Command(connection,
            "SELECT seq, event_key, case_id, event, at, body FROM case_events WHERE seq > @seq ORDER BY seq LIMIT @limit",
            null, ("seq", sequence), ("limit", limit));
        return (IReadOnlyList<StoredCaseEvent>)await ListAsync(command, ReadEvent).ConfigureAwait(false);
    });

    public Task<long> LastSequenceAsync() => db.ReadNumberAsync("SELECT COALESCE(MAX(seq), 0) FROM case_events");

    public Task<int> PruneEventsAsync(DateTimeOffset before) => db.WriteAsync(async (connection, transaction) =>
    {
        // The newest event stays whatever its age: the next number is MAX(seq) + 1, so without it numbering would
        // restart and an SSE client resuming with Last-Event-ID would wait past every new event.
        await using var prune = Command(connection, """
            DELETE FROM case_events WHERE at < @before
              AND seq NOT IN (SELECT seq FROM webhook_outbox WHERE state = 'pending')
              AND seq < (SELECT MAX(seq) FROM case_events)
            """, transaction, ("before", before.ToUnixTimeMilliseconds()));
        var pruned = await prune.ExecuteNonQueryAsync().ConfigureAwait(false);
        await using var orphans = Command(connection,
            "DELETE FROM webhook_outbox WHERE state <> 'pending' AND seq NOT IN (SELECT seq FROM case_events)", transaction);
        await orphans.ExecuteNonQueryAsync().ConfigureAwait(false);
        return pruned;
    });

    public Task<IReadOnlyList<OutboxEntry>> PendingAsync(int limit) => db.ReadAsync(async connection =>
    {
        await using var command = Command(connection, """
            SELECT e.seq, e.event_key, e.case_id, e.event, e.at, e.body, o.attempts, o.next_at
            FROM webhook_outbox o JOIN case_events e ON e.seq = o.seq
            WHERE o.state = 'pending' ORDER BY o.seq LIMIT @limit
            """, null, ("limit", limit));
        return (IReadOnlyList<OutboxEntry>)await ListAsync(command, r =>
            new OutboxEntry(ReadEvent(r), r.GetInt32(6), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7)))).ConfigureAwait(false);
    });

    public async Task<int> PendingCountAsync() =>
        (int)await db.ReadNumberAsync("SELECT COUNT(*) FROM webhook_outbox WHERE state = 'pending'").ConfigureAwait(false);

    public Task DeliveredAsync(long sequence) => SetOutbox(sequence, "delivered", null, null, null);

    public Task RetryLaterAsync(long sequence, int attempts, DateTimeOffset nextAttemptAt, string error) =>
        SetOutbox(sequence, "pending", attempts, nextAttemptAt, error);

    public Task ParkAsync(long sequence, int attempts, string error) => SetOutbox(sequence, "parked", attempts, null, error);

    public Task<CaseSnapshot?> FindAsync(string id) => db.ReadAsync(async connection =>
    {
        await using var command = Command(connection, "SELECT body FROM cases WHERE id = @id", null, ("id", id));
        return await command.ExecuteScalarAsync().ConfigureAwait(false) is string body ? Deserialize(body) : null;
    });

    public Task<Page<CaseSnapshot>> QueryAsync(CaseQuery query) => db.ReadAsync(async connection =>
    {
        var where = new StringBuilder(" WHERE 1=1");
        await using var command = Command(connection, "");
        void Filter(string column, string name, object? value, string op = "=")
        {
            if (value is null)
            {
                return;
            }

            where.Append(" AND ").Append(column).Append(' ').Append(op).Append(" @").Append(name);
            Add(command, name, value);
        }

        Filter("status", "status", query.Status);
        Filter("code", "code", query.Code);
        Filter("unit", "unit", query.Unit);
        Filter("grid", "grid", query.Grid);
        Filter("device_id", "device", query.DeviceId);
        Filter("opened_at", "from", query.From?.ToUnixTimeMilliseconds(), ">=");
        Filter("opened_at", "to", query.To?.ToUnixTimeMilliseconds(), "<");

        command.CommandText = "SELECT COUNT(*) FROM cases" + where;
        var total = Convert.ToInt32(await command.ExecuteScalarAsync().ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);

        command.CommandText = "SELECT body FROM cases" + where + " ORDER BY opened_at DESC, id" + db.Dialect.OrdinalCollation + " DESC LIMIT @limit OFFSET @offset";
        Add(command, "limit", query.PageSize);
        Add(command, "offset", (query.Page - 1) * query.PageSize);
        return new Page<CaseSnapshot>(await ListAsync(command, r => Deserialize(r.GetString(0))).ConfigureAwait(false), total, query.Page, query.PageSize);
    });

    public Task<IReadOnlyList<CaseSnapshot>> OpenAsync() => db.ReadAsync(async connection =>
    {
        await using var command = Command(connection, "SELECT body FROM cases WHERE status <> 'closed'");
        return (IReadOnlyList<CaseSnapshot>)await ListAsync(command, r => Deserialize(r.GetString(0))).ConfigureAwait(false);
    });

    public Task<IReadOnlyList<CaseSnapshot>> ActiveBetweenAsync(DateTimeOffset from, DateTimeOffset to) => db.ReadAsync(async connection =>
    {
        await using var command = Command(connection, "SELECT body FROM cases WHERE opened_at < @to AND updated_at >= @from",
            null, ("from", from.ToUnixTimeMilliseconds()), ("to", to.ToUnixTimeMilliseconds()));
        return (IReadOnlyList<CaseSnapshot>)await ListAsync(command, r => Deserialize(r.GetString(0))).ConfigureAwait(false);
    });

    private static async Task UpsertAsync(DbConnection connection, DbTransaction transaction, CaseSnapshot snapshot)
    {
        await using var command = Command(connection, """
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
            await using var command = Command(connection, """
                UPDATE webhook_outbox SET state = @state, attempts = COALESCE(@attempts, attempts),
                  next_at = COALESCE(@next, next_at), last_error = COALESCE(@error, last_error)
                WHERE seq = @seq
                """, transaction, ("seq", sequence), ("state", state));
            Add(command, "attempts", attempts, DbType.Int32);
            Add(command, "next", nextAt?.ToUnixTimeMilliseconds(), DbType.Int64);
            Add(command, "error", error, DbType.String);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        });

    private static StoredCaseEvent ReadEvent(DbDataReader reader) => new(
        reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), reader.GetString(5));

    private static CaseSnapshot Deserialize(string body) =>
        JsonSerializer.Deserialize<CaseSnapshot>(body, CityOpsJson.Options)
        ?? throw new InvalidDataException("A stored case is empty.");
}
