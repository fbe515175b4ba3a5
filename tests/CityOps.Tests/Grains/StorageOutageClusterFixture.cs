using CityOps.Grains;
using CityOps.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace CityOps.Tests.Grains;

/// <summary>
/// The test cluster with a switch that makes every grain state write fail as a full disk does
/// (<see cref="StorageUnavailableException"/>); reads and the other stores keep working.
/// </summary>
public sealed class StorageOutageClusterFixture : GrainClusterFixture
{
    public GrainStateOutage Outage { get; } = new();

    protected override void ConfigureSilo(IServiceCollection services) =>
        services.AddKeyedSingleton<IGrainStorage>("cityops", (sp, _) => Outage.Over(sp.GetRequiredService<DbGrainStorage>()));
}

public sealed class GrainStateOutage
{
    private volatile bool _down;

    public void Begin() => _down = true;

    public void End() => _down = false;

    public IGrainStorage Over(IGrainStorage storage) => new Storage(storage, this);

    private sealed class Storage(IGrainStorage inner, GrainStateOutage outage) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            outage._down ? throw new StorageUnavailableException("local store cannot be written: disk full (test outage)") : inner.WriteStateAsync(stateName, grainId, grainState);

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
    }
}
