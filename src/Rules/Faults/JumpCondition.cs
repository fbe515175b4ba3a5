namespace CityOps.Rules.Faults;

/// <summary>
/// <c>jump: { metric, above, per }</c>: a sensor fault while the metric changed by more than <see cref="Above"/> within
/// <see cref="Per"/> (a gauge going from 2 to 62 cm in 20 s is broken, not flooded).
/// </summary>
public sealed record JumpCondition(double Above, TimeSpan Per);
