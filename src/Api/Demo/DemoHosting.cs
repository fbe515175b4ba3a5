using CityOps.Grains.Configuration;

namespace CityOps.Api.Demo;

public static class DemoHosting
{
    /// <summary><c>--demo</c>: load the sample city once the host is up, then play its scenario over MQTT.</summary>
    public static IHostApplicationBuilder AddCityOpsDemo(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<DemoOptions>(DemoOptions.Section, DemoOptions.Check);
        builder.Services.AddHostedService<DemoCity>();
        return builder;
    }
}
