using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CityOps.Grains.Dispatch;
using Microsoft.Extensions.Options;
using static CityOps.Grains.Storage.StoreDatabase;

namespace CityOps.Grains.Storage;

/// <summary>
/// Alarms (the node's, or the whole cluster's): indexed columns for the filters, the whole alarm as JSON; beside them the
/// durable log of alarm events (SSE replay) and the alarm webhook outbox, written in the same transaction, as
/// <see cref="DbCaseStore"/> does for cases. Alarm ids are made by device grains and rows are upserted by id, so writing
/// an alarm again after a crash changes nothing.
/// </summary>
public sealed class DbAlarmStore(StoreDatabase db, IOptions<DispatchOptions> dispatch) : IAlarmStore
{
    private readonly DbEventLog _log = new(db, "alarm_events", "alarm_outbox", "alarm_id", dispatch.Value.Enabled);

    /// <summary>The webhook outbox of the alarm events (delivered by the dispatch part's WebhookDispatcher).</summary>
    public IWebhookOutbox Outbox => _log;

    public Task<StoredCaseEvent> SaveAsync(AlarmSnapshot alarm, string eventName, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        return db.WriteAsync(async (connection, transaction) =>
        {
            await UpsertAsync(connection, transaction, alarm).ConfigureAwait(false);
            return await _log.AppendAsync(connection, transaction, alarm.Id, eventName, at,
                (key, seq) => JsonSerializer.Serialize(new { @event = eventName, id = key, sequence = seq, at, alarm }, CityOpsJson.Options)).ConfigureAwait(false);
        });
    }

    public Task SaveAsync(AlarmSnapshot alarm) => db.WriteAsync((connection, transaction) => UpsertAsync(connection, transaction, alarm));

    public Task<AlarmSnapshot?> FindAsync(string id) => db.ReadAsync(async connection =>
    {
        await using var command = Command(connection, "SELECT body FROM alarms WHERE id = @id", null, ("id", id));
        return await command.ExecuteScalarAsync().ConfigureAwait(false) is string body ? Deserialize(body) : null;
    });

    public Task<IReadOnlyList<StoredCaseEvent>> EventsAfterAsync(long sequence, int limit) => _log.EventsAfterAsync(sequence, limit);

    public Task<long> LastSequenceAsync() => _log.LastSequenceAsync();

    public Task<int> PruneEventsAsync(DateTimeOffset before) => _log.PruneEventsAsync(before);

    public Task<Page<AlarmSnapshot>> QueryAsync(AlarmQuery query) => db.ReadAsync(async connection =>
    {
        ArgumentNullException.ThrowIfNull(query);
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
        Filter("severity", "severity", query.Severity is { } severity ? WireNames.Of(severity) : null);
        Filter("kind", "kind", query.Kind);
        Filter("rule_id", "rule", query.RuleId);
        Filter("device_id", "device", query.DeviceId);
        Filter("grid", "grid", query.Grid);
        Filter("zones", "zone", query.Zone is { } zone ? "%," + zone + ",%" : null, "LIKE");
        Filter("acknowledged", "acknowledged", query.Acknowledged is { } acknowledged ? (acknowledged ? 1 : 0) : null);
        Filter("disposition", "disposition", query.Disposition is { } disposition ? WireNames.Of(disposition) : null);

        command.CommandText = "SELECT COUNT(*) FROM alarms" + where;
        var total = Convert.ToInt32(await command.ExecuteScalarAsync().ConfigureAwait(false), CultureInfo.InvariantCulture);

        command.CommandText = "SELECT body FROM alarms" + where + " ORDER BY raised_at DESC, id" + db.Dialect.OrdinalCollation + " DESC LIMIT @limit OFFSET @offset";
        Add(command, "limit", query.PageSize);
        Add(command, "offset", (query.Page - 1) * query.PageSize);
        return new Page<AlarmSnapshot>(await ListAsync(command, r => Deserialize(r.GetString(0))).ConfigureAwait(false), total, query.Page, query.PageSize);
    });

    private static async Task UpsertAsync(DbConnection connection, DbTransaction transaction, AlarmSnapshot alarm)
    {
        await using var command = Command(connection, """
            INSERT INTO alarms (id, device_id, rule_id, kind, severity, status, disposition, acknowledged, grid, unit, zones, raised_at, updated_at, body)
            VALUES (@id, @device, @rule, @kind, @severity, @status, @disposition, @acknowledged, @grid, @unit, @zones, @raised, @updated, @body)
            ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, status = excluded.status, disposition = excluded.disposition,
              acknowledged = excluded.acknowledged, grid = excluded.grid, unit = excluded.unit, zones = excluded.zones,
              updated_at = excluded.updated_at, body = excluded.body
            """, transaction,
            ("id", alarm.Id), ("device", alarm.DeviceId), ("rule", alarm.RuleId), ("kind", alarm.Kind), ("severity", WireNames.Of(alarm.Severity)),
            ("status", WireNames.Of(alarm.Status)), ("disposition", WireNames.Of(alarm.Disposition)), ("acknowledged", alarm.Acknowledged ? 1 : 0),
            ("grid", alarm.Grid), ("unit", alarm.Unit), ("zones", alarm.Zones.IsDefaultOrEmpty ? null : "," + string.Join(',', alarm.Zones) + ","),
            ("raised", alarm.RaisedAt.ToUnixTimeMilliseconds()), ("updated", alarm.UpdatedAt.ToUnixTimeMilliseconds()),
            ("body", JsonSerializer.Serialize(alarm, CityOpsJson.Options)));
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private static AlarmSnapshot Deserialize(string body) =>
        JsonSerializer.Deserialize<AlarmSnapshot>(body, CityOpsJson.Options)
        ?? throw new InvalidDataException("A stored alarm is empty.");
}
