using CityOps.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Tests.Grains;

/// <summary>
/// The test cluster with a switch that makes every <see cref="ICaseGrain.File"/> call fail as a call to a node that has
/// just died does ("Failed to address message"): the way a new case grain placed on a lost node looks to its device.
/// </summary>
public sealed class CaseOutageClusterFixture : GrainClusterFixture
{
    public CaseFilingOutage Outage { get; } = new();

    protected override void ConfigureSilo(IServiceCollection services) => services.AddSingleton<IOutgoingGrainCallFilter>(Outage);
}

public sealed class CaseFilingOutage : IOutgoingGrainCallFilter
{
    private volatile bool _down;

    public int Refused { get; private set; }

    public void Begin() => _down = true;

    public void End() => _down = false;

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (_down && context.InterfaceMethod?.Name == nameof(ICaseGrain.File) && context.InterfaceMethod.DeclaringType == typeof(ICaseGrain))
        {
            Refused++;
            throw new SiloUnavailableException("the case grain's node is gone (test outage)");
        }

        return context.Invoke();
    }
}
