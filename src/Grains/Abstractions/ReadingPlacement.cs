namespace CityOps.Grains;

/// <summary>
/// Where a device grain places an accepted reading for time-series storage, which only the grain knows: its unit
/// grid and unit, and the device's position for a reading that carries none (so maps can place fixed devices).
/// One instance serves every reading of a batch placed alike.
/// </summary>
[GenerateSerializer, Immutable, Alias("cityops.reading-placement")]
public sealed record ReadingPlacement(
    [property: Id(0)] double? Lat,
    [property: Id(1)] double? Lon,
    [property: Id(2)] string? Grid,
    [property: Id(3)] string? Unit);
