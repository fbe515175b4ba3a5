using CityOps.Grains.Configuration;

namespace CityOps.Grains.RuleSets;

/// <summary><c>CityOps:Rules</c>: where engineers keep the rule files.</summary>
public sealed class RulesOptions
{
    /// <summary>
    /// Folder of <c>*.yaml</c> rule files, watched for changes. Unset: <c>./rules</c>, or, when CityOps is
    /// started from a folder without one, the default rule set shipped beside the binaries.
    /// </summary>
    public string? Path { get; set; }

    public string ResolvePath()
    {
        if (!string.IsNullOrEmpty(Path))
        {
            return System.IO.Path.GetFullPath(Path);
        }

        var local = System.IO.Path.GetFullPath("rules");
        var shipped = System.IO.Path.Combine(AppContext.BaseDirectory, "rules");
        return !Directory.Exists(local) && Directory.Exists(shipped) ? shipped : local;
    }

    public const string Section = "CityOps:Rules";

    public static void Check(RulesOptions o, OptionsProblems problems) =>
        problems.Require(o.Path is null || o.Path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) < 0, nameof(Path), o.Path, "must be a folder path");
}
