using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CityOps.Grains.Dispatch;
using Microsoft.Extensions.Options;
using static CityOps.Grains.Storage.StoreDatabase;

namespace CityOps.Grains.Storage;

/// <summary>
/// Incidents (the node's, or the whole cluster's): indexed columns for the filters, the whole incident as JSON. Their events
/// are appended to the alarm event log and outbox (<c>alarm_events</c>, <c>alarm_outbox</c>, the incident id as subject), in
/// the transaction of the change, so the alarm stream and webhook tell incidents in order with the alarms that make them.
/// </summary>
public sealed class DbIncidentStore(StoreDatabase db, IOptions<DispatchOptions> dispatch) : IIncidentStore
{
    private readonly DbEventLog _log = new(db, "alarm_events", "alarm_outbox", "alarm_id", dispatch.Value.Enabled);

    public Task<IncidentSnapshot?> FindAsync(string id) => db.ReadAsync(async connection =>
    {
        await using var command = Command(connection, "SELECT body FROM incidents WHERE id = @id", null, ("id", id));
        return await command.ExecuteScalarAsync().ConfigureAwait(false) is string body ? Deserialize(body) : null;
    });

    public Task SaveAsync(IncidentSnapshot incident) => db.WriteAsync((connection, transaction) => UpsertAsync(connection, transaction, incident));

    public Task<StoredCaseEvent> SaveAsync(IncidentSnapshot incident, string eventName, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return db.WriteAsync(async (connection, transaction) =>
        {
            await UpsertAsync(connection, transaction, incident).ConfigureAwait(false);
            return await _log.AppendAsync(connection, transaction, incident.Id, eventName, at,
                (key, seq) => JsonSerializer.Serialize(new { @event = eventName, id = key, sequence = seq, at, incident }, CityOpsJson.Options)).ConfigureAwait(false);
        });
    }

    public Task<Page<IncidentSnapshot>> QueryAsync(IncidentQuery query) => db.ReadAsync(async connection =>
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new StringBuilder(" WHERE 1=1");
        await using var command = Command(connection, "");
        void Filter(string column, string name, object? value)
        {
            if (value is not null)
            {
                where.Append(" AND ").Append(column).Append(" = @").Append(name);
                Add(command, name, value);
            }
        }

        Filter("status", "status", query.Status is { } status ? WireNames.Of(status) : null);
        Filter("rule_id", "rule", query.RuleId);
        Filter("group_key", "group", query.Group);

        command.CommandText = "SELECT COUNT(*) FROM incidents" + where;
        var total = Convert.ToInt32(await command.ExecuteScalarAsync().ConfigureAwait(false), CultureInfo.InvariantCulture);

        command.CommandText = "SELECT body FROM incidents" + where + " ORDER BY opened_at DESC, id" + db.Dialect.OrdinalCollation + " DESC LIMIT @limit OFFSET @offset";
        Add(command, "limit", query.PageSize);
        Add(command, "offset", (query.Page - 1) * query.PageSize);
        return new Page<IncidentSnapshot>(await ListAsync(command, r => Deserialize(r.GetString(0))).ConfigureAwait(false), total, query.Page, query.PageSize);
    });

    private static async Task UpsertAsync(DbConnection connection, DbTransaction transaction, IncidentSnapshot incident)
    {
        await using var command = Command(connection, """
            INSERT INTO incidents (id, rule_id, group_key, status, severity, case_id, opened_at, updated_at, body)
            VALUES (@id, @rule, @group, @status, @severity, @case, @opened, @updated, @body)
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, severity = excluded.severity, case_id = excluded.case_id,
              updated_at = excluded.updated_at, body = excluded.body
            """, transaction,
            ("id", incident.Id), ("rule", incident.RuleId), ("group", incident.Group), ("status", WireNames.Of(incident.Status)),
            ("severity", WireNames.Of(incident.Severity)), ("case", incident.CaseId), ("opened", incident.OpenedAt.ToUnixTimeMilliseconds()),
            ("updated", incident.UpdatedAt.ToUnixTimeMilliseconds()), ("body", JsonSerializer.Serialize(incident, CityOpsJson.Options)));
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private static IncidentSnapshot Deserialize(string body) =>
        JsonSerializer.Deserialize<IncidentSnapshot>(body, CityOpsJson.Options)
        ?? throw new InvalidDataException("A stored incident is empty.");
}
