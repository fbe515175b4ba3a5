namespace CityOps.Grains.Cases;

/// <summary><c>CityOps:Cases</c>: how time acts on cases.</summary>
public sealed class CasesOptions
{
    /// <summary>A handled case raised by a rule is verified by its sensor once the alarm has stayed clear this long.</summary>
    public TimeSpan SensorVerifyAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often open cases are checked for deadlines and sensor verification.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);
}
