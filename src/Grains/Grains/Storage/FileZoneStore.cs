namespace CityOps.Grains.Storage;

/// <summary>The single-node default: the zones as <c>zones.geojson</c> under the data folder, replaced atomically.</summary>
public sealed class FileZoneStore(string dataDir) : IZoneStore
{
    private readonly string _path = Path.Combine(dataDir, "zones.geojson");

    public bool IsShared => false;

    public Task<long> VersionAsync() => Task.FromResult(Version());

    public async Task<(long Version, string? GeoJson)> LoadAsync() =>
        File.Exists(_path) ? (Version(), await File.ReadAllTextAsync(_path).ConfigureAwait(false)) : (0, null);

    public async Task SaveAsync(string geoJson)
    {
        var temp = _path + ".tmp";
        await File.WriteAllTextAsync(temp, geoJson).ConfigureAwait(false);
        File.Move(temp, _path, overwrite: true);
    }

    public override string ToString() => _path;

    private long Version() => File.Exists(_path) ? File.GetLastWriteTimeUtc(_path).Ticks : 0;
}
