namespace CityOps.Grains.Storage;

/// <summary>The single-node default: the zones as <c>zones.geojson</c> under the data folder, replaced atomically.</summary>
public sealed class FileZoneStore(string dataDir) : IZoneStore
{
    private readonly string _path = Path.Combine(dataDir, "zones.geojson");

    public bool IsShared => false;

    public long Version() => File.Exists(_path) ? File.GetLastWriteTimeUtc(_path).Ticks : 0;

    public (long Version, string? GeoJson) Load() => File.Exists(_path) ? (Version(), File.ReadAllText(_path)) : (0, null);

    public void Save(string geoJson)
    {
        var temp = _path + ".tmp";
        File.WriteAllText(temp, geoJson);
        File.Move(temp, _path, overwrite: true);
    }

    public override string ToString() => _path;
}
