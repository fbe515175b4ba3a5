namespace CityOps.Grains.Storage;

/// <summary>Where the zones in force are kept: a GeoJSON file under the data folder, or the cluster's PostgreSQL.</summary>
public interface IZoneStore
{
    /// <summary>True when other nodes share these zones (and may replace them).</summary>
    bool IsShared { get; }

    /// <summary>A number that changes whenever the zones are replaced (cheap to poll).</summary>
    Task<long> VersionAsync();

    /// <summary>The stored GeoJSON and its version; null when none was ever stored.</summary>
    Task<(long Version, string? GeoJson)> LoadAsync();

    Task SaveAsync(string geoJson);
}
