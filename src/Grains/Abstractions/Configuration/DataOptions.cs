namespace CityOps.Grains.Configuration;

/// <summary>
/// <c>CityOps:DataDir</c>: the node's durable local storage (SQLite, zones, the InfluxDB spill). One class owns the
/// key so the grains and the telemetry writer cannot resolve it differently.
/// </summary>
public sealed class DataOptions
{
    /// <summary>The section <see cref="DataDir"/> is bound from (the key sits at the root of <c>CityOps</c>).</summary>
    public const string Section = "CityOps";

    public string DataDir { get; set; } = "./data";

    public string FullPath => Path.GetFullPath(DataDir);

    public static void Check(DataOptions options, OptionsProblems problems) =>
        problems.Require(!string.IsNullOrWhiteSpace(options.DataDir) && options.DataDir.IndexOfAny(Path.GetInvalidPathChars()) < 0, nameof(DataDir), options.DataDir, "must be a folder path");
}
