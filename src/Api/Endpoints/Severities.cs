namespace CityOps.Api.Endpoints;

/// <summary>A severity a request names (a filter, a filing, a routing question): blue, yellow, orange or red, by its wire name.</summary>
public static class Severities
{
    public const string Problem = "severity is blue, yellow, orange or red";

    public static bool TryParse(string? name, out Severity severity) => WireNames.TryParse(name, out severity) && severity != Severity.None;
}
