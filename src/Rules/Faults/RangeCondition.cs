namespace CityOps.Rules.Faults;

/// <summary>
/// <c>range: { metric }</c>: a sensor fault while the metric reads outside its kind's physical range, [<see cref="Min"/>,
/// <see cref="Max"/>] (docs/kinds.md): a gauge reporting 1,200 cm cannot have measured it. Such a value is no measurement
/// for the device's other rules (they see the metric as absent); an in-range reading clears the fault.
/// </summary>
public sealed record RangeCondition(double Min, double Max);
