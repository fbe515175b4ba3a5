namespace CityOps.Grains.Devices;

/// <summary>Why a reading of an unknown device was refused (the <c>reason</c> label and the dead letter's error).</summary>
public static class AutoProvisionRefusals
{
    /// <summary>More new devices per second than <c>CityOps:Devices:AutoProvisionPerSecond</c> (after the burst).</summary>
    public const string Rate = "auto_provision_rate";

    /// <summary><c>CityOps:Devices:MaxAutoProvisioned</c> devices were auto-provisioned since the silo started.</summary>
    public const string Total = "auto_provision_total";
}
