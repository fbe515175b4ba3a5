using CityOps.Grains;
using CityOps.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Tests.Grains;

/// <summary>Reads a device's cases from the store and their live state from the case grains.</summary>
internal static class GrainCases
{
    public static async Task<IReadOnlyList<CaseSnapshot>> Of(GrainClusterFixture fixture, string device)
    {
        var store = fixture.SiloServices.GetRequiredService<ICaseStore>();
        var live = new List<CaseSnapshot>();
        foreach (var c in (await store.QueryAsync(new CaseQuery(DeviceId: device, PageSize: 500))).Items)
        {
            live.Add((await fixture.Grains.GetGrain<ICaseGrain>(c.Id).Get())!);
        }

        return live;
    }
}
