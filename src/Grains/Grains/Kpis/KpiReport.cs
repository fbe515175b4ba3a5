namespace CityOps.Grains.Kpis;

/// <summary>The answer of <c>GET /api/v1/kpis</c>: the period, every unit's indicators, and the overall ones.</summary>
public sealed record KpiReport(DateTimeOffset From, DateTimeOffset To, UnitKpis Overall, IReadOnlyList<UnitKpis> Units);
