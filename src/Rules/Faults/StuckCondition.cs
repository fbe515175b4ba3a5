namespace CityOps.Rules.Faults;

/// <summary>
/// <c>stuck: { metric, for, tolerance }</c>: a sensor fault while every value of the metric over the last
/// <see cref="For"/> stayed within <see cref="Tolerance"/> of each other (a gauge frozen at 63 cm through a storm).
/// </summary>
public sealed record StuckCondition(TimeSpan For, double Tolerance);
