namespace CityOps.Grains;

/// <summary>One named numeric value of a reading (booleans arrive as 1/0).</summary>
[GenerateSerializer, Immutable, Alias("cityops.metric")]
public readonly record struct Metric([property: Id(0)] string Name, [property: Id(1)] double Value);
