namespace CityOps.Grains.Kpis;

/// <summary>
/// Which cases a computation looks at and how it groups them: <see cref="Unit"/> keeps one unit's spells,
/// <see cref="Grid"/> the cases whose grid code starts with it; <see cref="Levels"/> (district, street, community)
/// add rows per grid area at those levels.
/// </summary>
public sealed record KpiScope(string? Unit = null, string? Grid = null, IReadOnlyList<string>? Levels = null)
{
    public static readonly IReadOnlyList<string> AllLevels = ["district", "street", "community"];

    public static int Digits(string level, KpiOptions options) => level switch
    {
        "district" => options.DistrictDigits,
        "street" => options.StreetDigits,
        "community" => options.CommunityDigits,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "expected district, street or community"),
    };
}
