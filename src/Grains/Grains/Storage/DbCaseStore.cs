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
public sealed class DbCaseStore(StoreDatabase db, IOptions<DispatchOptions> dispatch) : ICaseStore
{
    private readonly DbEventLog _log = new(db, "case_events", "webhook_outbox", "case_id", dispatch.Value.Enabled);

    /// <summary>The webhook outbox of the case events (delivered by the dispatch part's WebhookDispatcher).</summary>
    public IWebhookOutbox Outbox => _log;

    public Task<StoredCaseEvent> SaveAsync(CaseSnapshot snapshot, CaseEventKind eventKind, DateTimeOffset at) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            var eventName = WireNames.Of(eventKind);
            await UpsertAsync(connection, transaction, snapshot).ConfigureAwait(false);
            return await _log.AppendAsync(connection, transaction, snapshot.Id, eventName, at,
                (key, seq) => JsonSerializer.Serialize(new { @event = eventName, id = key, sequence = seq, at, @case = snapshot }, CityOpsJson.Options)).ConfigureAwait(false);
        });

    public Task SaveAsync(CaseSnapshot snapshot) => db.WriteAsync((connection, transaction) => UpsertAsync(connection, transaction, snapshot));

    public Task<IReadOnlyList<StoredCaseEvent>> EventsAfterAsync(long sequence, int limit) => _log.EventsAfterAsync(sequence, limit);

    public Task<long> LastSequenceAsync() => _log.LastSequenceAsync();

    public Task<int> PruneEventsAsync(DateTimeOffset before) => _log.PruneEventsAsync(before);

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

        Filter("status", "status", query.Status is { } status ? WireNames.Of(status) : null);
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
        await using var command = Command(connection, "SELECT body FROM cases WHERE status NOT IN ('closed', 'cancelled')");
        return (IReadOnlyList<CaseSnapshot>)await ListAsync(command, r => Deserialize(r.GetString(0))).ConfigureAwait(false);
    });

    public Task<IReadOnlyList<CaseSnapshot>> ActiveBetweenAsync(DateTimeOffset from, DateTimeOffset to) => db.ReadAsync(async connection =>
    {
        await using var command = Command(connection, "SELECT body FROM cases WHERE opened_at < @to AND (updated_at >= @from OR status NOT IN ('closed', 'cancelled'))",
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
            ("id", snapshot.Id), ("status", WireNames.Of(snapshot.Status)), ("code", snapshot.Code), ("unit", snapshot.Unit), ("grid", snapshot.Grid),
            ("device", snapshot.DeviceId), ("rule", snapshot.RuleId), ("opened", snapshot.OpenedAt.ToUnixTimeMilliseconds()),
            ("updated", snapshot.UpdatedAt.ToUnixTimeMilliseconds()), ("body", JsonSerializer.Serialize(snapshot, CityOpsJson.Options)));
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private static CaseSnapshot Deserialize(string body) =>
        JsonSerializer.Deserialize<CaseSnapshot>(body, CityOpsJson.Options)
        ?? throw new InvalidDataException("A stored case is empty.");
}
