using System.Text.Json;
using CityOps.Grains.RuleSets;
using Npgsql;

namespace CityOps.Grains.Storage.Postgres;

/// <summary>
/// The cluster's one history of rule set versions. Version numbers are the primary key: when two nodes
/// add the same number at once, one insert wins and the other node retries on top of it.
/// </summary>
public sealed class PostgresRuleVersionStore(PostgresDatabase db) : IRuleVersionStore
{
    public bool IsShared => true;

    public RuleVersion? Latest() => db.Read(connection =>
    {
        using var command = PostgresDatabase.Command(connection, "SELECT version, created_at, author, sources, note FROM rule_versions ORDER BY version DESC LIMIT 1");
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadVersion(reader) : null;
    });

    public IReadOnlyList<RuleVersion> All() => db.Read(connection =>
    {
        using var command = PostgresDatabase.Command(connection, "SELECT version, created_at, author, sources, note FROM rule_versions ORDER BY version");
        using var reader = command.ExecuteReader();
        var versions = new List<RuleVersion>();
        while (reader.Read())
        {
            versions.Add(ReadVersion(reader));
        }

        return (IReadOnlyList<RuleVersion>)versions;
    });

    public bool TryAdd(RuleVersion version) => db.WriteAsync(async (connection, transaction) =>
    {
        await using var command = PostgresDatabase.Command(connection, """
            INSERT INTO rule_versions (version, created_at, author, sources, note) VALUES (@v, @at, @author, @sources, @note)
            ON CONFLICT (version) DO NOTHING
            """, transaction,
            ("v", version.Version), ("at", version.CreatedAt.ToUnixTimeMilliseconds()), ("author", version.Author),
            ("sources", JsonSerializer.Serialize(version.Sources)));
        command.Parameters.Add(new NpgsqlParameter("note", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)version.Note ?? DBNull.Value });
        return await command.ExecuteNonQueryAsync().ConfigureAwait(false) == 1;
    }).GetAwaiter().GetResult();

    private static RuleVersion ReadVersion(NpgsqlDataReader reader) => new(
        reader.GetInt32(0),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
        reader.GetString(2),
        JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(3)) ?? [],
        reader.IsDBNull(4) ? null : reader.GetString(4));
}
