namespace CityOps.Api.Audit;

/// <summary>
/// The audit log of API writes, kept with the node's data. Small on purpose, so another store
/// (a central one, for a cluster) can implement it beside <see cref="DbAuditLog"/>.
/// </summary>
public interface IAuditLog
{
    /// <summary>Records one write; the entry's <see cref="AuditEntry.Sequence"/> is assigned by the store.</summary>
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Deletes the entries older than <paramref name="before"/>; how many.</summary>
    Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default);

    /// <summary>Entries matching the query, newest first.</summary>
    Task<Page<AuditEntry>> QueryAsync(AuditQuery query);
}
