using System.Data.Common;

namespace CityOps.Grains.Storage;

/// <summary>
/// What really differs between the databases a <see cref="StoreDatabase"/> runs on; every statement the stores run is
/// otherwise the same text (<c>@name</c> parameters, <c>ON CONFLICT</c> upserts and <c>RETURNING</c> both speak).
/// </summary>
public abstract class SqlDialect
{
    /// <summary>True when other nodes share the database (and may change what this node reads).</summary>
    public abstract bool IsShared { get; }

    /// <summary>True when the database takes one writer at a time, so writes queue here instead of failing busy.</summary>
    public abstract bool SingleWriter { get; }

    /// <summary>
    /// Run first in the transaction that numbers a case event, so numbers commit in order across nodes (a reader
    /// that saw n never misses n-1); null when <see cref="SingleWriter"/> already orders them.
    /// </summary>
    public abstract string? EventNumberingLock { get; }

    /// <summary>Appended to <c>ORDER BY id</c> so ids sort by code point, as on every backend.</summary>
    public abstract string OrdinalCollation { get; }

    /// <summary>
    /// This database's spelling of the placeholders in CityOps's one schema script (<c>Storage/cityops-schema.sql</c>:
    /// <c>{bigint}</c>, <c>{bytes}</c>, <c>{bool}</c>, <c>{log_seq}</c>, <c>{serial_seq}</c>, <c>{without_rowid}</c>).
    /// </summary>
    public abstract SchemaSpelling Spelling { get; }

    /// <summary>
    /// Creates what is missing, idempotently: the schema script in <see cref="Spelling"/>, then this database's own
    /// upgrade steps (columns added since), so an existing database from an earlier version opens as it is.
    /// </summary>
    public abstract Task EnsureSchemaAsync(DbDataSource source, CancellationToken cancellationToken);

    /// <summary>The database is away or refuses writes for want of space: callers wait and retry, nothing is given up.</summary>
    public abstract bool IsUnavailable(Exception exception);

    /// <summary>An embedded script of the Grains assembly, by its resource name.</summary>
    public static string EmbeddedScript(string resource)
    {
        var assembly = typeof(SqlDialect).Assembly;
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded script {resource} is missing from {assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
