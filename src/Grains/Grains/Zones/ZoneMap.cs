using CityOps.Rules;

namespace CityOps.Grains.Zones;

/// <summary>
/// The zones in force on this node, and the <see cref="IZoneLookup"/> rules use: each lookup reads the set in force,
/// so a <c>PUT /api/v1/zones</c> changes what <c>inside:</c>/<c>outside:</c> rules see from the next reading on. Replacing them swaps one immutable <see cref="ZoneSet"/>, so
/// lookups never see a half-loaded map; the GeoJSON is kept under the data folder across restarts.
/// </summary>
public sealed class ZoneMap : IZoneLookup
{
    private readonly string _path;
    private volatile ZoneSet _current = ZoneSet.Empty;

    public ZoneMap(string dataDir)
    {
        _path = Path.Combine(dataDir, "zones.geojson");
        if (File.Exists(_path))
        {
            _current = ZoneSet.Build(File.ReadAllText(_path), out var errors)
                ?? throw new InvalidDataException($"{_path} is not a valid zone file: {string.Join("; ", errors)}");
        }
    }

    public ZoneSet Current => _current;

    public bool HasZone(string zoneId) => _current.HasZone(zoneId);

    public bool IsInside(string zoneId, double lat, double lon) => _current.IsInside(zoneId, lat, lon);

    public IReadOnlyList<string> Replace(string geoJson)
    {
        var next = ZoneSet.Build(geoJson, out var errors);
        if (next is null)
        {
            return errors;
        }

        var temp = _path + ".tmp";
        File.WriteAllText(temp, geoJson);
        File.Move(temp, _path, overwrite: true);
        _current = next;
        return [];
    }
}
