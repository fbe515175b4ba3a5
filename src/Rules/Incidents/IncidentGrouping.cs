namespace CityOps.Rules.Incidents;

/// <summary>How an incident rule groups its alarms (<c>group:</c>).</summary>
public enum IncidentGroupBy
{
    /// <summary><c>zone</c>: the geofence the device was in when its alarm was raised.</summary>
    Zone,

    /// <summary><c>grid</c> or <c>grid:N</c>: the device's unit-grid code, or its first N digits (9: a street, 12: a community).</summary>
    Grid,

    /// <summary><c>attribute:NAME</c>: the value of a device attribute, e.g. <c>attribute:catchment</c>.</summary>
    Attribute,
}

/// <summary>The parsed <c>group:</c> of an incident rule.</summary>
public sealed record IncidentGrouping(IncidentGroupBy By, int? GridDigits = null, string? Attribute = null)
{
    /// <summary>The accepted forms, for error messages.</summary>
    public const string Forms = "zone, grid, grid:N (the first N digits of the 15-digit grid code: 9 a street, 12 a community) or attribute:NAME";

    /// <summary>Parses <c>zone</c>, <c>grid</c>, <c>grid:N</c> or <c>attribute:NAME</c>; null when it is none of them.</summary>
    public static IncidentGrouping? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "zone")
        {
            return new IncidentGrouping(IncidentGroupBy.Zone);
        }

        if (text == "grid")
        {
            return new IncidentGrouping(IncidentGroupBy.Grid);
        }

        if (text.StartsWith("grid:", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var digits)
            && digits is >= 1 and <= 15)
        {
            return new IncidentGrouping(IncidentGroupBy.Grid, digits == 15 ? null : digits);
        }

        if (text.StartsWith("attribute:", StringComparison.Ordinal) && text.Length > "attribute:".Length)
        {
            return new IncidentGrouping(IncidentGroupBy.Attribute, Attribute: text["attribute:".Length..]);
        }

        return null;
    }

    public override string ToString() => By switch
    {
        IncidentGroupBy.Zone => "zone",
        IncidentGroupBy.Grid => GridDigits is { } digits ? "grid:" + digits.ToString(System.Globalization.CultureInfo.InvariantCulture) : "grid",
        _ => "attribute:" + Attribute,
    };
}
