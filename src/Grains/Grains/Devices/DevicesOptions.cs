namespace CityOps.Grains.Devices;

/// <summary><c>CityOps:Devices</c>.</summary>
public sealed class DevicesOptions
{
    /// <summary>Accept readings from unregistered devices, registering them on first reading with the kind from the topic.</summary>
    public bool AutoProvision { get; set; } = true;

    /// <summary>A device with no offline rule counts as offline after this much silence.</summary>
    public TimeSpan DefaultOfflineAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often each silo checks its due devices (offline rules, online flag, liveness to persist).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);
}
