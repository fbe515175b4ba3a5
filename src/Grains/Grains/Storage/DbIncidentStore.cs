using CityOps.Grains.Dispatch;

namespace CityOps.Grains.Storage;

/// <summary>
/// Incidents (the node's, or the whole cluster's): indexed columns for the filters, the whole incident as JSON. Their events
/// are appended to the alarm event log and outbox (<c>alarm_events</c>, <c>alarm_outbox</c>, the incident id as subject), in
/// the transaction of the change, so the alarm stream and webhook tell incidents in order with the alarms that make them.
/// </summary>
public sealed class DbIncidentStore(StoreDatabase db, IOptions<DispatchOptions> dispatch) : DbDocumentStore<IncidentSnapshot>(db, "incidents", "incident", i => i.Id, DbEventLog.Alarms(db, dispatch.Value)), IIncidentStore
{
    public Task<Page<IncidentSnapshot>> QueryAsync(IncidentQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return PageAsync(new SqlFilter().Add("status", query.Status).Add("rule_id", query.RuleId).Add("group_key", query.Group), "opened_at", query.Page, query.PageSize);
    }

    protected override (string Sql, (string Name, object? Value)[] Parameters) Upsert(IncidentSnapshot incident) => (
        """
        INSERT INTO incidents (id, rule_id, group_key, status, severity, case_id, opened_at, updated_at, body)
        VALUES (@id, @rule, @group, @status, @severity, @case, @opened, @updated, @body)
        ON CONFLICT (id) DO UPDATE SET status = excluded.status, severity = excluded.severity, case_id = excluded.case_id,
          updated_at = excluded.updated_at, body = excluded.body
        """,
        [
            ("id", incident.Id), ("rule", incident.RuleId), ("group", incident.Group), ("status", WireNames.Of(incident.Status)),
            ("severity", WireNames.Of(incident.Severity)), ("case", incident.CaseId), ("opened", incident.OpenedAt.ToUnixTimeMilliseconds()),
            ("updated", incident.UpdatedAt.ToUnixTimeMilliseconds()), ("body", Serialize(incident))
        ]);
}
