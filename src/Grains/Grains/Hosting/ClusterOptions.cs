using CityOps.Grains.Configuration;

namespace CityOps.Grains.Hosting;

/// <summary><c>CityOps:Cluster</c>: how this node joins its Orleans cluster.</summary>
public sealed class CityOpsClusterOptions
{
    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Npgsql connection string of the cluster's PostgreSQL. Set: Orleans ADO.NET clustering and grain storage, and
    /// cases, devices, rules, zones and silences shared by every node. Unset: one node on localhost clustering with SQLite.
    /// </summary>
    public string? PostgresConnection { get; set; }

    /// <summary>Orleans cluster id: nodes with the same id and database form one cluster.</summary>
    public string ClusterId { get; set; } = "cityops";

    /// <summary>Orleans service id: grain state is keyed by it, so keep it across deployments.</summary>
    public string ServiceId { get; set; } = "cityops";

    /// <summary>The address other silos reach this one at (default: Orleans picks this host's address).</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>How often a node checks the shared store for other nodes' rule, zone, silence and case changes.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public const string Section = "CityOps:Cluster";

    public static void Check(CityOpsClusterOptions o, OptionsProblems problems)
    {
        problems.Require(o.SiloPort is > 0 and <= 65535, nameof(SiloPort), o.SiloPort, "must be a port, 1-65535");
        problems.Require(o.GatewayPort is > 0 and <= 65535, nameof(GatewayPort), o.GatewayPort, "must be a port, 1-65535");
        problems.Require(o.SiloPort != o.GatewayPort, nameof(GatewayPort), o.GatewayPort, "must differ from SiloPort");
        problems.Require(o.AdvertisedAddress is null or { Length: 0 } || System.Net.IPAddress.TryParse(o.AdvertisedAddress, out _), nameof(AdvertisedAddress), o.AdvertisedAddress, "must be an IP address");
        problems.Require(!string.IsNullOrWhiteSpace(o.ClusterId), nameof(ClusterId), o.ClusterId, "must not be empty");
        problems.Require(!string.IsNullOrWhiteSpace(o.ServiceId), nameof(ServiceId), o.ServiceId, "must not be empty");
        problems.Require(o.PollInterval > TimeSpan.Zero, nameof(PollInterval), o.PollInterval, "must be positive");
    }
}
