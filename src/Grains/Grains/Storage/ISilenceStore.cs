using CityOps.Grains.Silences;

namespace CityOps.Grains.Storage;

/// <summary>Where silences are kept: the node's SQLite file, or the cluster's PostgreSQL.</summary>
public interface ISilenceStore
{
    /// <summary>True when other nodes share these silences (and may change them).</summary>
    bool IsShared { get; }

    /// <summary>A number that changes whenever a silence is written (cheap to poll).</summary>
    Task<long> VersionAsync();

    Task<IReadOnlyList<Silence>> AllAsync();

    Task SaveAsync(Silence silence);
}
