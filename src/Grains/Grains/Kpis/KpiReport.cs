namespace CityOps.Grains.Kpis;

/// <summary>
/// The answer of <c>GET /api/v1/kpis</c>: the period [<see cref="From"/>, <see cref="To"/>), counted as it stood at
/// <see cref="AsOf"/> (the period's end, or now while it runs); every unit's row, the areas' rows of the levels asked
/// for (by level, then code), and the overall row (the counts added up, not the rates).
/// </summary>
public sealed record KpiReport(
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset AsOf,
    KpiRow Overall,
    IReadOnlyList<KpiRow> Units,
    IReadOnlyList<KpiRow>? Areas = null);
