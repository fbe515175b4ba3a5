namespace CityOps.Rules;

/// <summary>
/// A kind as one source states it (the built-in kinds, <c>kinds.yaml</c>, <c>CityOps:Kinds</c>): every field may be left
/// out, so a later source can change one range or code of a kind an earlier one defined (<see cref="KindCatalog.With"/>).
/// </summary>
public sealed record KindDefinition(string Name, ImmutableArray<MetricDefinition> Metrics, string? Title = null, string? Code = null, TimeSpan? Offline = null, TimeSpan? Interval = null);

/// <summary>A metric as one source states it; null fields keep what an earlier source said.</summary>
public sealed record MetricDefinition(string Name, string? Unit = null, double? Min = null, double? Max = null);
