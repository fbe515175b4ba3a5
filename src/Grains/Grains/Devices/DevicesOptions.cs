using CityOps.Grains.Configuration;

namespace CityOps.Grains.Devices;

/// <summary><c>CityOps:Devices</c>.</summary>
public sealed class DevicesOptions
{
    /// <summary>Accept readings from unregistered devices, registering them on first reading with the kind from the topic.</summary>
    public bool AutoProvision { get; set; } = true;

    /// <summary>New devices auto-provisioned per second, per silo, after <see cref="AutoProvisionBurst"/>; readings of unknown devices beyond it are refused and dead-lettered (<c>auto_provision_rate</c>).</summary>
    public double AutoProvisionPerSecond { get; set; } = 50;

    /// <summary>New devices a silo may auto-provision at once (a gateway coming online, a batch of fresh installs).</summary>
    public int AutoProvisionBurst { get; set; } = 2_000;

    /// <summary>Devices a silo auto-provisions in all, since it started; beyond it readings of unknown devices are refused (<c>auto_provision_total</c>): register devices through the API instead.</summary>
    public int MaxAutoProvisioned { get; set; } = 50_000;

    /// <summary>
    /// An auto-provisioned device that was never registered through the API files no offline case until it has sent this many
    /// readings: a one-shot id (a typo, a test, someone inventing ids) must not put a 离线 case on the desk.
    /// </summary>
    public int OfflineCaseAfterReadings { get; set; } = 10;

    /// <summary>A device with no offline rule counts as offline after this much silence, unless its kind sets its own window (docs/kinds.md).</summary>
    public TimeSpan DefaultOfflineAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// A reading stamped further ahead of this node's clock is stored but not judged (counted in
    /// <c>cityops_readings_not_judged_total{reason="future"}</c>), so one wrong stamp cannot hide a device's later readings.
    /// </summary>
    public TimeSpan FutureTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often each silo checks its due devices (offline rules, online flag, liveness to persist).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Metric names kept per device (its <c>last</c> values). A reading naming more is still stored and judged by the metrics
    /// its rules know; the names beyond the cap are not kept, counted in <c>cityops_metric_names_dropped_total</c>.
    /// </summary>
    public int MaxMetricsPerDevice { get; set; } = 256;

    public const string Section = "CityOps:Devices";

    public static void Check(DevicesOptions o, OptionsProblems problems)
    {
        problems.Require(o.DefaultOfflineAfter > TimeSpan.Zero, nameof(DefaultOfflineAfter), o.DefaultOfflineAfter, "must be positive");
        problems.Require(o.AutoProvisionPerSecond > 0 && double.IsFinite(o.AutoProvisionPerSecond), nameof(AutoProvisionPerSecond), o.AutoProvisionPerSecond, "must be a positive number");
        problems.Require(o.AutoProvisionBurst >= 1, nameof(AutoProvisionBurst), o.AutoProvisionBurst, "must be at least 1");
        problems.Require(o.MaxAutoProvisioned >= 0, nameof(MaxAutoProvisioned), o.MaxAutoProvisioned, "must not be negative (0: auto-provision nothing)");
        problems.Require(o.OfflineCaseAfterReadings >= 0, nameof(OfflineCaseAfterReadings), o.OfflineCaseAfterReadings, "must not be negative");
        problems.Require(o.MaxMetricsPerDevice > 0, nameof(MaxMetricsPerDevice), o.MaxMetricsPerDevice, "must be positive");
        problems.Require(o.SweepInterval > TimeSpan.Zero, nameof(SweepInterval), o.SweepInterval, "must be positive");
    }
}
