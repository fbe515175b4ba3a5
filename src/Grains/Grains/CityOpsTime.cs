namespace CityOps.Grains;

/// <summary>
/// The clock CityOps' own logic reads (receipt times, offline checks, deadlines), registered as a
/// keyed <see cref="TimeProvider"/> so tests can fake it without also freezing Orleans' internals.
/// </summary>
public static class CityOpsTime
{
    public const string Key = "cityops";
}
