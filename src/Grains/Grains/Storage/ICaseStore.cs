namespace CityOps.Grains.Storage;

/// <summary>Durable cases, queryable across all of them (a case grain owns each row it writes).</summary>
public interface ICaseStore
{
    CaseSnapshot? Find(string id);

    Task SaveAsync(CaseSnapshot snapshot);

    Page<CaseSnapshot> Query(CaseQuery query);

    /// <summary>Cases not closed, per (unit, code), with those due before <paramref name="now"/>.</summary>
    IReadOnlyList<OpenCaseCount> CountOpen(DateTimeOffset now);
}
