namespace CityOps.Grains;

/// <summary>
/// An accepted reading as time-series storage keeps it: placed in its unit grid, and carrying the
/// device's registered position when the reading has none (so maps can place fixed devices).
/// Redeliveries are included: the same point written again overwrites itself.
/// </summary>
[GenerateSerializer, Immutable, Alias("cityops.telemetry-point")]
public sealed record TelemetryPoint(
    [property: Id(0)] Reading Reading,
    [property: Id(1)] string? Grid,
    [property: Id(2)] string? Unit);
