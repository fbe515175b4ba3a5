using CityOps.Grains.Configuration;

namespace CityOps.Grains.Routing;

/// <summary><c>CityOps:Routing</c>: the routing file (units, deadlines, calendar).</summary>
public sealed class RoutingOptions
{
    /// <summary>
    /// Path of <c>routing.yaml</c>, watched for changes. Unset: <c>./routing.yaml</c>, or the file shipped
    /// beside the binaries; neither: built-in defaults (the code table's deadlines, the grid's unit).
    /// </summary>
    public string? Path { get; set; }

    public string ResolvePath()
    {
        if (!string.IsNullOrEmpty(Path))
        {
            return System.IO.Path.GetFullPath(Path);
        }

        var local = System.IO.Path.GetFullPath("routing.yaml");
        var shipped = System.IO.Path.Combine(AppContext.BaseDirectory, "routing.yaml");
        return !File.Exists(local) && File.Exists(shipped) ? shipped : local;
    }

    public const string Section = "CityOps:Routing";

    public static void Check(RoutingOptions o, OptionsProblems problems) =>
        problems.Require(o.Path is null || o.Path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) < 0, nameof(Path), o.Path, "must be a file path");
}
