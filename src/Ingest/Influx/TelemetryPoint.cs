using CityOps.Grains;

namespace CityOps.Ingest.Influx;

/// <summary>
/// An accepted reading as time-series storage keeps it: placed in its unit grid, and carrying the
/// device's position when the reading has none (<see cref="ReadingPlacement"/>, from the device grain).
/// Redeliveries are included: the same point written again overwrites itself.
/// </summary>
public sealed record TelemetryPoint(Reading Reading, string? Grid, string? Unit)
{
    /// <summary>The point of <paramref name="reading"/> placed by its device grain.</summary>
    public static TelemetryPoint Of(Reading reading, ReadingPlacement placement)
    {
        ArgumentNullException.ThrowIfNull(reading);
        ArgumentNullException.ThrowIfNull(placement);
        var positioned = (reading.Lat is not null && reading.Lon is not null) || placement.Lat is null
            ? reading
            : reading with { Lat = placement.Lat, Lon = placement.Lon };
        return new TelemetryPoint(positioned, placement.Grid, placement.Unit);
    }
}
