using static CityOps.Grains.Storage.StoreDatabase;

namespace CityOps.Grains.Storage;

/// <summary>The cluster's zones: one row with the GeoJSON and a version every node polls (a single node uses <see cref="FileZoneStore"/>).</summary>
public sealed class DbZoneStore(StoreDatabase db) : IZoneStore
{
    public bool IsShared => db.Dialect.IsShared;

    public Task<long> VersionAsync() => db.ReadNumberAsync("SELECT COALESCE(MAX(version), 0) FROM zones");

    public Task<(long Version, string? GeoJson)> LoadAsync() => db.ReadAsync(async connection =>
    {
        await using var command = Command(connection, "SELECT version, geojson FROM zones WHERE id = 1");
        var rows = await ListAsync(command, r => (r.GetInt64(0), (string?)r.GetString(1))).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : (0L, null);
    });

    public Task SaveAsync(string geoJson) => db.WriteAsync(async (connection, transaction) =>
    {
        await using var command = Command(connection, """
            INSERT INTO zones (id, version, geojson) VALUES (1, 1, @geojson)
            ON CONFLICT (id) DO UPDATE SET version = zones.version + 1, geojson = excluded.geojson
            """, transaction, ("geojson", geoJson));
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    });

    public override string ToString() => db.Description;
}
