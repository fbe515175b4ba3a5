namespace CityOps.Grains.Hosting;

/// <summary><c>CityOps:Cluster</c>: how this node joins its Orleans cluster.</summary>
public sealed class CityOpsClusterOptions
{
    /// <summary>Silo-to-silo port (localhost clustering).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port (localhost clustering).</summary>
    public int GatewayPort { get; set; } = 30000;
}
