using CityOps.Grains.Configuration;

namespace CityOps.Api.Demo;

/// <summary><c>CityOps:Demo</c>: where the sample city is read from, and how fast its scenario plays.</summary>
public sealed class DemoOptions
{
    public const string Section = "CityOps:Demo";

    /// <summary>Folder with zones.geojson, devices.csv and scenario.json; default <c>./samples</c>, else the copy beside the binaries.</summary>
    public string? Samples { get; set; }

    /// <summary>
    /// How many times faster than real time the demo plays (1 to <see cref="MaxSpeed"/>; default 1): CityOps' own clock
    /// (<see cref="DemoClock"/>) runs that fast, so the scenario's minutes and the rules' waits pass in seconds.
    /// </summary>
    public double Speed { get; set; } = 1;

    public const double MaxSpeed = 60;

    public string ResolveSamples()
    {
        if (!string.IsNullOrEmpty(Samples))
        {
            return Path.GetFullPath(Samples);
        }

        var local = Path.GetFullPath("samples");
        return File.Exists(Path.Combine(local, "scenario.json")) ? local : Path.Combine(AppContext.BaseDirectory, "samples");
    }

    public static void Check(DemoOptions o, OptionsProblems problems)
    {
        problems.Require(
            string.IsNullOrEmpty(o.Samples) || File.Exists(Path.Combine(Path.GetFullPath(o.Samples), "scenario.json")),
            nameof(Samples), o.Samples, "must be a folder with scenario.json, zones.geojson and devices.csv");
        problems.Require(o.Speed is >= 1 and <= MaxSpeed, nameof(Speed), o.Speed, $"must be 1-{MaxSpeed} (times real time)");
    }
}
