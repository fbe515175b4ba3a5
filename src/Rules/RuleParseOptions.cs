namespace CityOps.Rules;

/// <summary>What the parser checks beyond the files themselves.</summary>
public sealed record RuleParseOptions
{
    public static RuleParseOptions Default { get; } = new();

    /// <summary>
    /// The zones in force. When set, <c>inside:</c>/<c>outside:</c> naming a zone it lacks is an error; when null (e.g. a
    /// rule folder read at start-up, before the zones are loaded) zones are not checked and a rule about a missing zone
    /// is simply not judged until the zone exists.
    /// </summary>
    public IZoneLookup? Zones { get; init; }

    /// <summary>The code tables in force. When set, a rule whose <c>case.code</c> is a literal code the table lacks is an error.</summary>
    public ICaseCodeLookup? CaseCodes { get; init; }
    /// <summary>The device kinds rules may name, with their metrics: the node's catalog (built in, <c>kinds.yaml</c>, <c>CityOps:Kinds</c>).</summary>
    public KindCatalog Kinds { get; init; } = KindCatalog.Default;

    /// <summary>The zone of <c>when:</c> schedules that name none: the city's (<c>CityOps:TimeZone</c>); by default the machine's.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;
}
