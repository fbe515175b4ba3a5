namespace CityOps.Grains.RuleSets;

/// <summary><c>CityOps:Rules</c>: where engineers keep the rule files.</summary>
public sealed class RulesOptions
{
    /// <summary>Folder of <c>*.yaml</c> rule files, watched for changes.</summary>
    public string Path { get; set; } = "./rules";
}
