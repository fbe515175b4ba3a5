namespace CityOps.Rules;

/// <summary>
/// One metric of a device kind: its name, unit and physical range (what the sensor can measure at all, inclusive).
/// A reading outside the range is refused at ingest as bad input, and is no value for rules but <c>range:</c> faults
/// (<see cref="ReadingContext.OutOfRange"/>); an unbounded side is infinite.
/// </summary>
public sealed record MetricSpec(string Name, string? Unit = null, double Min = double.NegativeInfinity, double Max = double.PositiveInfinity)
{
    public bool HasRange => !double.IsNegativeInfinity(Min) || !double.IsPositiveInfinity(Max);

    public bool InRange(double value) => value >= Min && value <= Max;
}
