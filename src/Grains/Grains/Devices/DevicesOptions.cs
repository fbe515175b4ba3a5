using CityOps.Grains.Configuration;

namespace CityOps.Grains.Devices;

/// <summary><c>CityOps:Devices</c>.</summary>
public sealed class DevicesOptions
{
    /// <summary>Accept readings from unregistered devices, registering them on first reading with the kind from the topic.</summary>
    public bool AutoProvision { get; set; } = true;

    /// <summary>A device with no offline rule counts as offline after this much silence.</summary>
    public TimeSpan DefaultOfflineAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// A reading stamped further ahead of this node's clock is stored but not judged (counted in
    /// <c>cityops_readings_not_judged_total{reason="future"}</c>), so one wrong stamp cannot hide a device's later readings.
    /// </summary>
    public TimeSpan FutureTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often each silo checks its due devices (offline rules, online flag, liveness to persist).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    public const string Section = "CityOps:Devices";

    public static void Check(DevicesOptions o, OptionsProblems problems)
    {
        problems.Require(o.DefaultOfflineAfter > TimeSpan.Zero, nameof(DefaultOfflineAfter), o.DefaultOfflineAfter, "must be positive");
        problems.Require(o.SweepInterval > TimeSpan.Zero, nameof(SweepInterval), o.SweepInterval, "must be positive");
    }
}
