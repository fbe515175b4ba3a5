using System.Data;
using System.Data.Common;
using System.Text.Json;
using CityOps.Grains.RuleSets;
using static CityOps.Grains.Storage.StoreDatabase;

namespace CityOps.Grains.Storage;

/// <summary>
/// The one history of rule set versions. Version numbers are the primary key: when two nodes of a cluster add the
/// same number at once, one insert wins and the other node retries on top of it.
/// </summary>
public sealed class DbRuleVersionStore(StoreDatabase db) : IRuleVersionStore
{
    private const string Columns = "SELECT version, created_at, author, sources, note FROM rule_versions";

    public bool IsShared => db.Dialect.IsShared;

    public Task<RuleVersion?> LatestAsync() => db.ReadAsync(async connection =>
    {
        await using var command = Command(connection, Columns + " ORDER BY version DESC LIMIT 1");
        return (await ListAsync(command, ReadVersion).ConfigureAwait(false)).FirstOrDefault();
    });

    public Task<IReadOnlyList<RuleVersion>> AllAsync() => db.ReadAsync(async connection =>
    {
        await using var command = Command(connection, Columns + " ORDER BY version");
        return (IReadOnlyList<RuleVersion>)await ListAsync(command, ReadVersion).ConfigureAwait(false);
    });

    public Task<bool> TryAddAsync(RuleVersion version) => db.WriteAsync(async (connection, transaction) =>
    {
        await using var command = Command(connection, """
            INSERT INTO rule_versions (version, created_at, author, sources, note) VALUES (@v, @at, @author, @sources, @note)
            ON CONFLICT (version) DO NOTHING
            """, transaction,
            ("v", version.Version), ("at", version.CreatedAt.ToUnixTimeMilliseconds()), ("author", version.Author),
            ("sources", JsonSerializer.Serialize(version.Sources)));
        Add(command, "note", version.Note, DbType.String);
        return await command.ExecuteNonQueryAsync().ConfigureAwait(false) == 1;
    });

    private static RuleVersion ReadVersion(DbDataReader reader) => new(
        reader.GetInt32(0),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
        reader.GetString(2),
        JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(3)) ?? [],
        reader.IsDBNull(4) ? null : reader.GetString(4));
}
