using CityOps.Grains;
using CityOps.Grains.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CityOps.Api.Demo;

public static class DemoHosting
{
    /// <summary>
    /// <c>--demo</c>: load the sample city once the host is up, then play its scenario over MQTT; with
    /// <c>CityOps:Demo:Speed</c> above 1, CityOps' own clock is the faster <see cref="DemoClock"/>.
    /// </summary>
    public static IHostApplicationBuilder AddCityOpsDemo(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<DemoOptions>(DemoOptions.Section, DemoOptions.Check);
        builder.Services.RemoveAllKeyed<TimeProvider>(CityOpsTime.Key);
        builder.Services.AddKeyedSingleton<TimeProvider>(CityOpsTime.Key, (sp, _) => sp.GetRequiredService<IOptions<DemoOptions>>().Value.Speed is var speed && speed > 1
            ? new DemoClock(sp.GetRequiredService<TimeProvider>(), speed)
            : sp.GetRequiredService<TimeProvider>());
        builder.Services.AddHostedService<DemoCity>();
        return builder;
    }
}
