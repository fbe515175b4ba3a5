using CityOps.Grains.Dispatch;

namespace CityOps.Grains.Storage;

/// <summary>
/// Cases (the node's, or the whole cluster's): indexed columns for the filters, the whole case as JSON; beside them the
/// durable log of case events (SSE replay, every node reads it) and the webhook outbox, written in the same
/// transaction. Case ids are made by device grains before filing and rows are upserted by id, so filing a case again
/// after a node died in between changes nothing.
/// </summary>
public sealed class DbCaseStore(StoreDatabase db, IOptions<DispatchOptions> dispatch) : DbLogOwningStore<CaseSnapshot>(db, "cases", "case", s => s.Id, DbEventLog.Cases(db, dispatch.Value)), ICaseStore
{
    public Task<StoredCaseEvent> SaveAsync(CaseSnapshot snapshot, CaseEventKind eventKind, DateTimeOffset at) => SaveAsync(snapshot, WireNames.Of(eventKind), at);

    public Task<Page<CaseSnapshot>> QueryAsync(CaseQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new SqlFilter()
            .Add("status", query.Status)
            .Add("code", query.Code)
            .Add("unit", query.Unit)
            .Add("grid", query.Grid)
            .Add("device_id", query.DeviceId)
            .Add("opened_at", query.From?.ToUnixTimeMilliseconds(), ">=")
            .Add("opened_at", query.To?.ToUnixTimeMilliseconds(), "<");
        return PageAsync(filter, "opened_at", query.Page, query.PageSize);
    }

    public Task<IReadOnlyList<CaseSnapshot>> OpenAsync() => WhereAsync("status NOT IN ('closed', 'cancelled')");

    public Task<IReadOnlyList<CaseSnapshot>> ActiveBetweenAsync(DateTimeOffset from, DateTimeOffset to) =>
        WhereAsync("opened_at < @to AND (updated_at >= @from OR status NOT IN ('closed', 'cancelled'))",
            ("from", from.ToUnixTimeMilliseconds()), ("to", to.ToUnixTimeMilliseconds()));

    protected override (string Sql, (string Name, object? Value)[] Parameters) Upsert(CaseSnapshot snapshot) => (
        """
        INSERT INTO cases (id, status, code, unit, grid, device_id, rule_id, opened_at, updated_at, body)
        VALUES (@id, @status, @code, @unit, @grid, @device, @rule, @opened, @updated, @body)
        ON CONFLICT (id) DO UPDATE SET status = excluded.status, code = excluded.code, unit = excluded.unit,
          grid = excluded.grid, updated_at = excluded.updated_at, body = excluded.body
        """,
        [
            ("id", snapshot.Id), ("status", WireNames.Of(snapshot.Status)), ("code", snapshot.Code), ("unit", snapshot.Unit), ("grid", snapshot.Grid),
            ("device", snapshot.DeviceId), ("rule", snapshot.RuleId), ("opened", snapshot.OpenedAt.ToUnixTimeMilliseconds()),
            ("updated", snapshot.UpdatedAt.ToUnixTimeMilliseconds()), ("body", Serialize(snapshot))
        ]);
}
