namespace CityOps.Api.Demo;

/// <summary><c>CityOps:Demo</c>: where the sample city is read from.</summary>
public sealed class DemoOptions
{
    /// <summary>Folder with zones.geojson, devices.csv and scenario.json; default <c>./samples</c>, else the copy beside the binaries.</summary>
    public string? Samples { get; set; }

    public string ResolveSamples()
    {
        if (!string.IsNullOrEmpty(Samples))
        {
            return Path.GetFullPath(Samples);
        }

        var local = Path.GetFullPath("samples");
        return File.Exists(Path.Combine(local, "scenario.json")) ? local : Path.Combine(AppContext.BaseDirectory, "samples");
    }
}

public static class DemoHosting
{
    /// <summary><c>--demo</c>: load the sample city once the host is up, then play its scenario over MQTT.</summary>
    public static WebApplicationBuilder AddCityOpsDemo(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<DemoOptions>(builder.Configuration.GetSection("CityOps:Demo"));
        builder.Services.AddHostedService<DemoCity>();
        return builder;
    }
}
