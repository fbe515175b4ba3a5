using System.Text.Json;
using CityOps.Grains.Storage;
using CityOps.Grains.Zones;

namespace CityOps.Grains.Silences;

/// <summary>
/// The silences of this node, kept in SQLite and cached in memory (they are read on every alarm that
/// would raise a case, written rarely).
/// </summary>
public sealed class SilenceBook
{
    private readonly SqliteDatabase _db;
    private readonly ZoneMap _zones;
    private volatile IReadOnlyList<Silence> _all;

    public SilenceBook(SqliteDatabase db, ZoneMap zones)
    {
        _db = db;
        _zones = zones;
        _db.WriteAsync((c, t) => SqliteGrainStorage.Execute(c, t, """
            CREATE TABLE IF NOT EXISTS silences (
              id         TEXT PRIMARY KEY,
              ends_at    INTEGER NOT NULL,
              body       TEXT NOT NULL
            );
            """)).GetAwaiter().GetResult();
        _all = Load();
    }

    /// <summary>Silences, newest first; expired ones only when asked.</summary>
    public IReadOnlyList<Silence> List(DateTimeOffset now, bool includeExpired) =>
        [.. _all.Where(s => includeExpired || s.State(now) != "expired").OrderByDescending(s => s.CreatedAt)];

    public Silence? Find(string id) => _all.FirstOrDefault(s => s.Id == id);

    public async Task<Silence> AddAsync(Silence silence)
    {
        await Write(silence);
        return silence;
    }

    /// <summary>Ends a silence now; null when there is no such silence.</summary>
    public async Task<Silence?> ExpireAsync(string id, DateTimeOffset now)
    {
        if (Find(id) is not { } silence)
        {
            return null;
        }

        if (silence.State(now) == "expired")
        {
            return silence;
        }

        var expired = silence with { ExpiredAt = now };
        await Write(expired);
        return expired;
    }

    /// <summary>The silence that holds for this alarm at <paramref name="at"/>, if any.</summary>
    public Silence? Matching(string deviceId, string ruleId, string? grid, double? lat, double? lon, DateTimeOffset at)
    {
        foreach (var s in _all)
        {
            if (!s.IsActive(at)
                || (s.DeviceId is not null && s.DeviceId != deviceId)
                || (s.RuleId is not null && s.RuleId != ruleId)
                || (s.Grid is not null && (grid is null || !grid.StartsWith(s.Grid, StringComparison.Ordinal)))
                || (s.Zone is not null && (lat is not { } la || lon is not { } lo || !_zones.Current.IsInside(s.Zone, la, lo))))
            {
                continue;
            }

            return s;
        }

        return null;
    }

    private async Task Write(Silence silence)
    {
        await _db.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO silences (id, ends_at, body) VALUES ($id, $ends, $body)
                ON CONFLICT (id) DO UPDATE SET ends_at = excluded.ends_at, body = excluded.body
                """;
            command.Parameters.AddWithValue("$id", silence.Id);
            command.Parameters.AddWithValue("$ends", silence.EndsAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$body", JsonSerializer.Serialize(silence, CityOpsJson.Options));
            command.ExecuteNonQuery();
        }).ConfigureAwait(false);
        _all = Load();
    }

    private List<Silence> Load() => _db.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM silences";
        using var reader = command.ExecuteReader();
        var list = new List<Silence>();
        while (reader.Read())
        {
            list.Add(JsonSerializer.Deserialize<Silence>(reader.GetString(0), CityOpsJson.Options)!);
        }

        return list;
    });
}
