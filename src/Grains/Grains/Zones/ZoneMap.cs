using CityOps.Grains.Storage;
using CityOps.Rules;

namespace CityOps.Grains.Zones;

/// <summary>
/// The zones in force on this node, and the <see cref="IZoneLookup"/> rules use: each lookup reads the set in force,
/// so a <c>PUT /api/v1/zones</c> changes what <c>inside:</c>/<c>outside:</c> rules see from the next reading on. Replacing them swaps one immutable <see cref="ZoneSet"/>, so
/// lookups never see a half-loaded map. They are kept by an <see cref="IZoneStore"/>: a GeoJSON file under the data
/// folder, or in a cluster the shared PostgreSQL, from which <see cref="RefreshAsync"/> (polled) takes another node's change.
/// <see cref="LoadAsync"/> runs before the silo starts (<see cref="Hosting.StoreStartup"/>).
/// </summary>
public sealed class ZoneMap : IZoneLookup, IDisposable
{
    private readonly IZoneStore _store;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile ZoneSet _current = ZoneSet.Empty;
    private long _version;

    public ZoneMap(IZoneStore store) => _store = store;

    /// <summary>Puts the stored zones in force.</summary>
    public async Task LoadAsync()
    {
        var (version, geoJson) = await _store.LoadAsync().ConfigureAwait(false);
        if (geoJson is not null)
        {
            _current = ZoneSet.Build(geoJson, out var errors)
                ?? throw new InvalidDataException($"{_store} is not a valid zone file: {string.Join("; ", errors)}");
            Interlocked.Exchange(ref _version, version);
        }
    }

    public ZoneSet Current => _current;

    public void Dispose() => _lock.Dispose();

    public bool HasZone(string zoneId) => _current.HasZone(zoneId);

    public bool IsInside(string zoneId, double lat, double lon) => _current.IsInside(zoneId, lat, lon);

    public IReadOnlyList<string> ZonesAt(double lat, double lon) => _current.ZonesAt(lat, lon);

    public async Task<IReadOnlyList<string>> ReplaceAsync(string geoJson)
    {
        var next = ZoneSet.Build(geoJson, out var errors);
        if (next is null)
        {
            return errors;
        }

        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            await _store.SaveAsync(geoJson).ConfigureAwait(false);
            _current = next;
            Interlocked.Exchange(ref _version, await _store.VersionAsync().ConfigureAwait(false));
        }
        finally
        {
            _lock.Release();
        }

        return [];
    }

    /// <summary>Takes zones another node stored; true when they changed.</summary>
    public async Task<bool> RefreshAsync()
    {
        if (await _store.VersionAsync().ConfigureAwait(false) == Interlocked.Read(ref _version))
        {
            return false;
        }

        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            var (version, geoJson) = await _store.LoadAsync().ConfigureAwait(false);
            if (version == Interlocked.Read(ref _version) || geoJson is null || ZoneSet.Build(geoJson, out _) is not { } next)
            {
                return false;
            }

            _current = next;
            Interlocked.Exchange(ref _version, version);
            return true;
        }
        finally
        {
            _lock.Release();
        }
    }
}
