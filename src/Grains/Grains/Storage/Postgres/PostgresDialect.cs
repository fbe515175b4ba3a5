using System.Data.Common;
using System.Net.Sockets;
using Npgsql;

namespace CityOps.Grains.Storage.Postgres;

/// <summary>The cluster's PostgreSQL: many writers, event numbers ordered by a transaction advisory lock.</summary>
public sealed class PostgresDialect : SqlDialect
{
    // Serialises event numbering across nodes for the length of one transaction.
    private const long EventLockKey = 0x4369_7479_4f70_0002;

    /// <summary>PostgreSQL's spelling of the schema script's placeholders.</summary>
    internal static readonly SchemaSpelling PostgresSpelling = new(
        BigInt: "BIGINT",
        Bytes: "BYTEA",
        Bool: "BOOLEAN",
        LogSeq: "BIGINT PRIMARY KEY",   // numbered under EventNumberingLock
        SerialSeq: "BIGSERIAL PRIMARY KEY",
        WithoutRowId: "");

    public override bool IsShared => true;

    public override bool SingleWriter => false;

    public override string? EventNumberingLock => $"SELECT pg_advisory_xact_lock({EventLockKey})";

    // The database's own collation may sort by locale; ids sort by code point as on SQLite.
    public override string OrdinalCollation => " COLLATE \"C\"";

    public override SchemaSpelling Spelling => PostgresSpelling;

    // The server may start together with the nodes: wait for it a minute.
    public override Task EnsureSchemaAsync(DbDataSource source, CancellationToken cancellationToken) =>
        PostgresSchema.EnsureAsync((NpgsqlDataSource)source, TimeSpan.FromSeconds(60), cancellationToken);

    // Server away, connection broken, or the server refusing writes for want of space: wait and retry.
    public override bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)   // connection exception
            || pg.SqlState.StartsWith("53", StringComparison.Ordinal)                      // insufficient resources (disk full)
            || pg.SqlState.StartsWith("57P", StringComparison.Ordinal),                    // admin shutdown, cannot connect now
        NpgsqlException { IsTransient: true } => true,
        NpgsqlException { InnerException: SocketException or IOException or TimeoutException } => true,
        _ => false,
    };
}
