using CityOps.Grains.Dispatch;

namespace CityOps.Grains.Storage;

/// <summary>
/// Alarms (the node's, or the whole cluster's): indexed columns for the filters, the whole alarm as JSON; beside them the
/// durable log of alarm events (SSE replay) and the alarm webhook outbox, written in the same transaction, as
/// <see cref="DbCaseStore"/> does for cases. Alarm ids are made by device grains and rows are upserted by id, so writing
/// an alarm again after a crash changes nothing.
/// </summary>
public sealed class DbAlarmStore(StoreDatabase db, IOptions<DispatchOptions> dispatch) : DbLogOwningStore<AlarmSnapshot>(db, "alarms", "alarm", a => a.Id, DbEventLog.Alarms(db, dispatch.Value)), IAlarmStore
{
    public Task<Page<AlarmSnapshot>> QueryAsync(AlarmQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new SqlFilter()
            .Add("status", query.Status)
            .Add("severity", query.Severity)
            .Add("kind", query.Kind)
            .Add("rule_id", query.RuleId)
            .Add("device_id", query.DeviceId)
            .Add("grid", query.Grid)
            .Add("zones", query.Zone is { } zone ? "%," + zone + ",%" : null, "LIKE")
            .Add("acknowledged", query.Acknowledged is { } acknowledged ? (acknowledged ? 1 : 0) : null)
            .Add("disposition", query.Disposition);
        return PageAsync(filter, "raised_at", query.Page, query.PageSize);
    }

    protected override (string Sql, (string Name, object? Value)[] Parameters) Upsert(AlarmSnapshot alarm) => (
        """
        INSERT INTO alarms (id, device_id, rule_id, kind, severity, status, disposition, acknowledged, grid, unit, zones, raised_at, updated_at, body)
        VALUES (@id, @device, @rule, @kind, @severity, @status, @disposition, @acknowledged, @grid, @unit, @zones, @raised, @updated, @body)
        ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, status = excluded.status, disposition = excluded.disposition,
          acknowledged = excluded.acknowledged, grid = excluded.grid, unit = excluded.unit, zones = excluded.zones,
          updated_at = excluded.updated_at, body = excluded.body
        """,
        [
            ("id", alarm.Id), ("device", alarm.DeviceId), ("rule", alarm.RuleId), ("kind", alarm.Kind), ("severity", WireNames.Of(alarm.Severity)),
            ("status", WireNames.Of(alarm.Status)), ("disposition", WireNames.Of(alarm.Disposition)), ("acknowledged", alarm.Acknowledged ? 1 : 0),
            ("grid", alarm.Grid), ("unit", alarm.Unit), ("zones", alarm.Zones.IsDefaultOrEmpty ? null : "," + string.Join(',', alarm.Zones) + ","),
            ("raised", alarm.RaisedAt.ToUnixTimeMilliseconds()), ("updated", alarm.UpdatedAt.ToUnixTimeMilliseconds()),
            ("body", Serialize(alarm))
        ]);
}
