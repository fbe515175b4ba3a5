namespace CityOps.Grains.Cluster;

/// <summary>
/// Who does the once-only work of the cluster (webhook delivery, deadline sweeps, waking silent devices): the node
/// holding the lease. A single node always holds it; in a cluster it moves to another node when its holder dies.
/// </summary>
public interface ILeaderLease
{
    bool IsHeld { get; }

    /// <summary>Completes once this node holds the lease.</summary>
    Task WaitUntilHeldAsync(CancellationToken cancellationToken);
}
