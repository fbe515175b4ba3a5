using CityOps.Grains.RuleSets;

namespace CityOps.Grains.Storage;

/// <summary>The one history of rule set versions: the node's SQLite file, or the cluster's PostgreSQL.</summary>
public interface IRuleVersionStore
{
    /// <summary>True when other nodes share this history (and may add versions to it).</summary>
    bool IsShared { get; }

    Task<RuleVersion?> LatestAsync();

    /// <summary>Every version, oldest first.</summary>
    Task<IReadOnlyList<RuleVersion>> AllAsync();

    /// <summary>Stores a new version; false when its number was taken meanwhile (by another node).</summary>
    Task<bool> TryAddAsync(RuleVersion version);
}
