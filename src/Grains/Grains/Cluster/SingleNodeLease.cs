namespace CityOps.Grains.Cluster;

/// <summary>One node, no one to share with: the lease is always held.</summary>
public sealed class SingleNodeLease : ILeaderLease
{
    public SingleNodeLease() => CityOpsMetrics.LeaseHeld.Set(1);

    public bool IsHeld => true;

    public Task WaitUntilHeldAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
