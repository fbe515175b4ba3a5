using CityOps.Grains.Storage;
using CityOps.Rules;

namespace CityOps.Grains.Zones;

/// <summary>
/// The zones in force on this node, and the <see cref="IZoneLookup"/> rules use: each lookup reads the set in force,
/// so a <c>PUT /api/v1/zones</c> changes what <c>inside:</c>/<c>outside:</c> rules see from the next reading on. Replacing them swaps one immutable <see cref="ZoneSet"/>, so
/// lookups never see a half-loaded map. They are kept by an <see cref="IZoneStore"/>: a GeoJSON file under the data
/// folder, or in a cluster the shared PostgreSQL, from which <see cref="Refresh"/> (polled) takes another node's change.
/// </summary>
public sealed class ZoneMap : IZoneLookup
{
    private readonly IZoneStore _store;
    private readonly Lock _lock = new();
    private volatile ZoneSet _current = ZoneSet.Empty;
    private long _version;

    public ZoneMap(string dataDir)
        : this(new FileZoneStore(dataDir))
    {
    }

    public ZoneMap(IZoneStore store)
    {
        _store = store;
        var (version, geoJson) = store.Load();
        if (geoJson is not null)
        {
            _current = ZoneSet.Build(geoJson, out var errors)
                ?? throw new InvalidDataException($"{store} is not a valid zone file: {string.Join("; ", errors)}");
            _version = version;
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

        lock (_lock)
        {
            _store.Save(geoJson);
            _current = next;
            _version = _store.Version();
        }

        return [];
    }

    /// <summary>Takes zones another node stored; true when they changed.</summary>
    public bool Refresh()
    {
        if (_store.Version() == Interlocked.Read(ref _version))
        {
            return false;
        }

        lock (_lock)
        {
            var (version, geoJson) = _store.Load();
            if (version == _version || geoJson is null || ZoneSet.Build(geoJson, out _) is not { } next)
            {
                return false;
            }

            _current = next;
            _version = version;
            return true;
        }
    }
}
