using CityOps.Tests.Integration;

namespace CityOps.Tests.Infrastructure;

/// <summary>
/// CityOps nodes as separate processes forming one cluster on one PostgreSQL and sharing the telemetry subscription
/// of one mosquitto (shared group <c>cityops</c>, node i's MQTT client id <c>cityops-node{i}</c>), with the test
/// city's rules; failure detection tuned to notice a dead node within seconds.
/// </summary>
public sealed class CityCluster : IAsyncDisposable
{
    private readonly TempFolder _folder;

    private CityCluster(TempFolder folder, PostgresServer postgres, Mosquitto broker, IReadOnlyList<CityOpsProcess> nodes)
    {
        _folder = folder;
        Postgres = postgres;
        Broker = broker;
        Nodes = nodes;
    }

    public PostgresServer Postgres { get; }

    public Mosquitto Broker { get; }

    public IReadOnlyList<CityOpsProcess> Nodes { get; }

    public static async Task<CityCluster> StartAsync(string name, int nodes, string rules)
    {
        var folder = new TempFolder(name);
        var postgresStart = PostgresServer.StartAsync();
        var broker = await Mosquitto.StartAsync();
        var postgres = await postgresStart;
        var rulesDir = folder.Combine("rules");
        Directory.CreateDirectory(rulesDir);
        await File.WriteAllTextAsync(Path.Combine(rulesDir, "test.yaml"), rules);
        var processes = new List<CityOpsProcess>();
        for (var i = 1; i <= nodes; i++)
        {
            var data = folder.Combine($"node{i}");
            Directory.CreateDirectory(data);
            var settings = TestCity.Settings(rulesDir, broker.Port);
            settings["CityOps:Mqtt:ClientId"] = $"cityops-node{i}";
            settings["CityOps:Mqtt:SharedGroup"] = "cityops";
            settings["CityOps:Cluster:PostgresConnection"] = postgres.ConnectionString;
            // The tests check every device on every node: hundreds of API calls a second, no client to limit.
            settings["CityOps:RateLimit:RequestsPerSecond"] = "0";
            settings["CityOps:Cluster:AdvertisedAddress"] = "127.0.0.1";
            // Notice a dead node within seconds, not the production defaults' tens of seconds.
            settings["CityOps:Cluster:Membership:ProbeTimeout"] = "00:00:01";
            settings["CityOps:Cluster:Membership:NumMissedProbesLimit"] = "2";
            settings["CityOps:Cluster:Membership:TableRefreshTimeout"] = "00:00:02";
            settings["CityOps:Cluster:Membership:IAmAliveTablePublishTimeout"] = "00:00:05";
            processes.Add(new CityOpsProcess(data, settings));
        }

        var cluster = new CityCluster(folder, postgres, broker, processes);
        // The first node creates the schema; the others join at once (the schema lock makes them take turns).
        await Task.WhenAll(processes.Select(n => n.StartAsync(TimeSpan.FromSeconds(90))));
        return cluster;
    }

    /// <summary>The one node holding the cluster lease (the once-only work), once exactly one does.</summary>
    public async Task<CityOpsProcess> LeaseHolderAsync(IEnumerable<CityOpsProcess>? among = null)
    {
        CityOpsProcess? holder = null;
        await Eventually.TrueAsync(async () =>
        {
            var holders = new List<CityOpsProcess>();
            foreach (var node in among ?? Nodes)
            {
                if (await Devices.MetricAsync(node.Http, "cityops_cluster_lease_held") == 1)
                {
                    holders.Add(node);
                }
            }

            holder = holders.Count == 1 ? holders[0] : null;
            return holder is not null;
        }, TimeSpan.FromSeconds(20), "exactly one node holds the lease");
        return holder!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }

        await Broker.DisposeAsync();
        await Postgres.DisposeAsync();
        _folder.Dispose();
    }
}
