namespace CityOps.Grains.Storage;

/// <summary>Durable cases, queryable across all of them (a case grain owns each row it writes).</summary>
public interface ICaseStore
{
    CaseSnapshot? Find(string id);

    Task SaveAsync(CaseSnapshot snapshot);

    Page<CaseSnapshot> Query(CaseQuery query);

    /// <summary>Every case not yet closed (filed, dispatched, handled, verified).</summary>
    IReadOnlyList<CaseSnapshot> Open();

    /// <summary>Cases opened before <paramref name="to"/> and changed at or after <paramref name="from"/> (the candidates for a period's KPIs).</summary>
    IReadOnlyList<CaseSnapshot> ActiveBetween(DateTimeOffset from, DateTimeOffset to);
}
