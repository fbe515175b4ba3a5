namespace CityOps.Grains;

/// <summary>
/// What a device grain tells the case its alarm raised: a new value, a higher severity, or that it cleared.
/// <see cref="ByReadings"/>: a clear shown by readings (the fault gone); false when the alarm ended without them (its
/// rule was removed or changed), which cannot verify a case by the sensor.
/// </summary>
[GenerateSerializer, Immutable, Alias("cityops.alarm-update")]
public sealed record AlarmUpdate(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] Severity Severity,
    [property: Id(2)] double? Value,
    [property: Id(3)] bool Active,
    [property: Id(4)] string? Note,
    [property: Id(5)] double? Peak,
    [property: Id(6)] bool ByReadings = true);
