using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using static CityOps.Grains.Storage.StoreDatabase;

namespace CityOps.Api.Audit;

/// <summary>The audit log as table <c>audit_log</c> in the node's own database (its SQLite file under <c>CityOps:DataDir</c>).</summary>
public sealed class DbAuditLog([FromKeyedServices(StoreDatabase.Local)] StoreDatabase db) : IAuditLog
{
    public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            if (AuditAggregation.Aggregates(entry))
            {
                // A repeat of a refusal already recorded in this minute only counts on that entry.
                var minute = AuditAggregation.MinuteOf(entry.At);
                await using var repeat = Command(connection, """
                    UPDATE audit_log SET repeats = repeats + 1 WHERE seq = (
                      SELECT seq FROM audit_log
                      WHERE actor = @actor AND at >= @from AND at < @to AND status = @status AND COALESCE(remote, '') = @remote
                        AND (@anyPath = 1 OR (method = @method AND path = @path))
                      ORDER BY seq DESC LIMIT 1)
                    """, transaction,
                    ("actor", entry.Actor), ("from", minute.ToUnixTimeMilliseconds()), ("to", minute.AddMinutes(1).ToUnixTimeMilliseconds()),
                    ("status", entry.Status), ("remote", entry.RemoteAddress ?? ""), ("anyPath", AuditAggregation.AnyPath(entry) ? 1 : 0),
                    ("method", entry.Method), ("path", entry.Path));
                if (await repeat.ExecuteNonQueryAsync(cancellationToken) > 0)
                {
                    return;
                }
            }

            await using var command = Command(connection, """
                INSERT INTO audit_log (at, actor, method, path, resource, status, remote, repeats)
                VALUES (@at, @actor, @method, @path, @resource, @status, @remote, 1)
                """, transaction,
                ("at", entry.At.ToUnixTimeMilliseconds()), ("actor", entry.Actor), ("method", entry.Method), ("path", entry.Path),
                ("resource", entry.ResourceId), ("status", entry.Status), ("remote", entry.RemoteAddress));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, "DELETE FROM audit_log WHERE at < @before", transaction, ("before", before.ToUnixTimeMilliseconds()));
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task<Page<AuditEntry>> QueryAsync(AuditQuery query) => db.ReadAsync(async connection =>
    {
        await using var command = Command(connection, "");
        var where = new List<string>();
        if (query.From is { } from)
        {
            where.Add("at >= @from");
            Add(command, "from", from.ToUnixTimeMilliseconds());
        }

        if (query.To is { } to)
        {
            where.Add("at < @to");
            Add(command, "to", to.ToUnixTimeMilliseconds());
        }

        if (query.Actor is { } actor)
        {
            where.Add("actor = @actor");
            Add(command, "actor", actor);
        }

        var filter = where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where);
        command.CommandText = "SELECT COUNT(*) FROM audit_log" + filter;
        var total = Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);

        command.CommandText = "SELECT seq, at, actor, method, path, resource, status, remote, repeats FROM audit_log" + filter
            + " ORDER BY seq DESC LIMIT @limit OFFSET @offset";
        Add(command, "limit", query.PageSize);
        Add(command, "offset", (long)(query.Page - 1) * query.PageSize);
        return new Page<AuditEntry>(await ListAsync(command, Read), total, query.Page, query.PageSize);
    });

    private static AuditEntry Read(DbDataReader reader) => new(
        reader.GetInt64(0),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.GetInt32(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.GetInt32(8));
}
