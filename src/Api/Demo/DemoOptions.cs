using CityOps.Grains.Configuration;

namespace CityOps.Api.Demo;

/// <summary><c>CityOps:Demo</c>: where the sample city is read from.</summary>
public sealed class DemoOptions
{
    public const string Section = "CityOps:Demo";

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

    public static void Check(DemoOptions o, OptionsProblems problems) =>
        problems.Require(
            string.IsNullOrEmpty(o.Samples) || File.Exists(Path.Combine(Path.GetFullPath(o.Samples), "scenario.json")),
            nameof(Samples), o.Samples, "must be a folder with scenario.json, zones.geojson and devices.csv");
}
