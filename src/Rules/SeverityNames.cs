namespace CityOps.Rules;

/// <summary>The lower-case names used in rule files, the API, cases and InfluxDB tags.</summary>
public static class SeverityNames
{
    public static string ToName(Severity severity) => severity switch
    {
        Severity.None => "none",
        Severity.Blue => "blue",
        Severity.Yellow => "yellow",
        Severity.Orange => "orange",
        Severity.Red => "red",
        _ => ((int)severity).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Accepts <c>none</c>, <c>blue</c>, <c>yellow</c>, <c>orange</c>, <c>red</c>, ignoring case.</summary>
    public static bool TryParse(string? name, out Severity severity)
    {
        severity = name?.Trim().ToLowerInvariant() switch
        {
            "none" => Severity.None,
            "blue" => Severity.Blue,
            "yellow" => Severity.Yellow,
            "orange" => Severity.Orange,
            "red" => Severity.Red,
            _ => (Severity)(-1),
        };

        if ((int)severity < 0)
        {
            severity = Severity.None;
            return false;
        }

        return true;
    }
}
