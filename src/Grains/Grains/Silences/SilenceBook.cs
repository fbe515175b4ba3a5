using CityOps.Grains.Storage;
using CityOps.Grains.Zones;
using CityOps.Rules;

namespace CityOps.Grains.Silences;

/// <summary>
/// The silences in force, kept by an <see cref="ISilenceStore"/> (the node's SQLite, or the cluster's PostgreSQL)
/// and cached in memory (they are read on every alarm that would raise a case, written rarely); in a cluster
/// <see cref="RefreshAsync"/> (polled) takes other nodes' changes. <see cref="RefreshAsync"/> also loads them before
/// the silo starts (<see cref="Hosting.StoreStartup"/>).
/// </summary>
public sealed class SilenceBook
{
    private readonly ISilenceStore _store;
    private readonly ZoneMap _zones;
    private volatile IReadOnlyList<Silence> _all = [];
    private long _version = -1;

    public SilenceBook(ISilenceStore store, ZoneMap zones)
    {
        _store = store;
        _zones = zones;
    }

    /// <summary>Reloads when the stored silences changed (another node's change, or the first load); true when they did.</summary>
    public async Task<bool> RefreshAsync()
    {
        var version = await _store.VersionAsync().ConfigureAwait(false);
        if (version == Interlocked.Read(ref _version))
        {
            return false;
        }

        _all = await _store.AllAsync().ConfigureAwait(false);
        Interlocked.Exchange(ref _version, version);
        return true;
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
            if (!s.IsActive(at) || !SilenceMatch.Matches(s.DeviceId, s.Grid, s.Zone, s.RuleId, deviceId, ruleId, grid, lat, lon, _zones.Current))
            {
                continue;
            }

            return s;
        }

        return null;
    }

    private async Task Write(Silence silence)
    {
        await _store.SaveAsync(silence).ConfigureAwait(false);
        Interlocked.Exchange(ref _version, await _store.VersionAsync().ConfigureAwait(false));
        _all = await _store.AllAsync().ConfigureAwait(false);
    }
}
