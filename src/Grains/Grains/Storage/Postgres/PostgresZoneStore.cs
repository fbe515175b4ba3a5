namespace CityOps.Grains.Storage.Postgres;

/// <summary>The cluster's zones: one row with the GeoJSON and a version every node polls.</summary>
public sealed class PostgresZoneStore(PostgresDatabase db) : IZoneStore
{
    public bool IsShared => true;

    public long Version() => db.Read(connection =>
    {
        using var command = PostgresDatabase.Command(connection, "SELECT COALESCE(MAX(version), 0) FROM zones");
        return (long)command.ExecuteScalar()!;
    });

    public (long Version, string? GeoJson) Load() => db.Read(connection =>
    {
        using var command = PostgresDatabase.Command(connection, "SELECT version, geojson FROM zones WHERE id = 1");
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetString(1)) : (0L, (string?)null);
    });

    public void Save(string geoJson) => db.WriteAsync(async (connection, transaction) =>
    {
        await using var command = PostgresDatabase.Command(connection, """
            INSERT INTO zones (id, version, geojson) VALUES (1, 1, @geojson)
            ON CONFLICT (id) DO UPDATE SET version = zones.version + 1, geojson = excluded.geojson
            """, transaction, ("geojson", geoJson));
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }).GetAwaiter().GetResult();

    public override string ToString() => db.Description;
}
