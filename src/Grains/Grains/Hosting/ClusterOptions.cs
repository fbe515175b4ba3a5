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
}
