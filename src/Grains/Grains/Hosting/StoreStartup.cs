using CityOps.Grains.RuleSets;
using CityOps.Grains.Silences;
using CityOps.Grains.Storage;
using CityOps.Grains.Zones;
using Orleans.Runtime;

namespace CityOps.Grains.Hosting;

/// <summary>
/// The first thing a silo does on start: bring the store's schema up to date (in a cluster also the Orleans clustering
/// tables, which membership needs next) and load what the grains read from memory (zones, the rule set, silences),
/// all awaited, before any grain runs.
/// </summary>
public sealed class StoreStartup(StoreDatabase db, ZoneMap zones, RuleCatalog rules, SilenceBook silences) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StoreStartup), ServiceLifecycleStage.First, StartAsync);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        await db.EnsureSchemaAsync(cancellationToken);
        await zones.LoadAsync();
        await rules.LoadAsync();
        await silences.RefreshAsync();
    }
}
