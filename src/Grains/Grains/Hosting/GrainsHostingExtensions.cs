using CityOps.Grains.Alarms;
using CityOps.Grains.Configuration;
using CityOps.Grains.Cases;
using CityOps.Grains.Cluster;
using CityOps.Grains.Devices;
using CityOps.Grains.Dispatch;
using CityOps.Grains.Routing;
using CityOps.Grains.RuleSets;
using CityOps.Grains.Silences;
using CityOps.Grains.Storage;
using CityOps.Grains.Storage.Postgres;
using CityOps.Grains.Storage.Sqlite;
using CityOps.Grains.Zones;
using CityOps.Rules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;

namespace CityOps.Grains.Hosting;

/// <summary>The single wiring point of the grains: the silo, its storage, rules and zones.</summary>
public static class GrainsHostingExtensions
{
    public const string StorageName = "cityops";

    /// <summary>The ADO.NET provider name Orleans knows Npgsql by.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    public static IHostApplicationBuilder AddCityOpsGrains(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<DataOptions>(DataOptions.Section, DataOptions.Check);
        builder.AddValidatedOptions<CityOptions>(CityOptions.Section, CityOptions.Check);
        builder.AddValidatedOptions<RulesOptions>(RulesOptions.Section, RulesOptions.Check);
        builder.AddValidatedOptions<DevicesOptions>(DevicesOptions.Section, DevicesOptions.Check);
        builder.AddValidatedOptions<RoutingOptions>(RoutingOptions.Section, RoutingOptions.Check);
        builder.AddValidatedOptions<CasesOptions>(CasesOptions.Section, CasesOptions.Check);
        builder.AddValidatedOptions<CodesOptions>(CodesOptions.Section, CodesOptions.Check);
        builder.AddValidatedOptions<DispatchOptions>(DispatchOptions.Section, DispatchOptions.Check);
        builder.AddValidatedOptions<CityOpsClusterOptions>(CityOpsClusterOptions.Section, CityOpsClusterOptions.Check);

        // The silo is wired while the host is built, so the folder and the cluster settings are read here through the
        // same classes; their checks run before start (ValidateOnStart), with every other section's.
        var dataDir = (builder.Configuration.GetSection(DataOptions.Section).Get<DataOptions>() ?? new DataOptions()).FullPath;
        var cluster = builder.Configuration.GetSection(CityOpsClusterOptions.Section).Get<CityOpsClusterOptions>() ?? new CityOpsClusterOptions();
        Directory.CreateDirectory(dataDir);
        builder.Services.AddSingleton(NodeKinds.Load(builder.Configuration));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CaseSweeper>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DeviceSweeper>());
        if (cluster.PostgresConnection is { Length: > 0 } postgres)
        {
            // The Orleans PostgreSQL membership schema (vendor/OrleansScripts/) declares its times `timestamp`; Npgsql 6+ sends a
            // UTC DateTime as `timestamptz`, which those functions do not accept. Orleans writes UTC times, so sending them
            // as `timestamp` (the legacy mapping) stores the same values. CityOps's own tables keep times as epoch ms.
            AppContext.SetSwitch("Npgsql.EnableLegacyTimestampBehavior", true);

            builder.UseOrleans(silo =>
            {
                silo.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = cluster.ClusterId;
                    o.ServiceId = cluster.ServiceId;
                });
                silo.Configure<EndpointOptions>(o =>
                {
                    o.SiloPort = cluster.SiloPort;
                    o.GatewayPort = cluster.GatewayPort;
                    if (cluster.AdvertisedAddress is { Length: > 0 } address)
                    {
                        o.AdvertisedIPAddress = System.Net.IPAddress.Parse(address);
                    }
                });
                // How fast a dead node is noticed (probe timeout, missed probes, votes): Orleans defaults unless set.
                silo.Services.AddOptions<ClusterMembershipOptions>().BindConfiguration("CityOps:Cluster:Membership");
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = NpgsqlInvariant;
                    o.ConnectionString = postgres;
                });
                // Grain state: DbGrainStorage on PostgreSQL, registered with the shared stores in AddCityOpsGrains; every node
                // brings the schema up to date (StoreStartup) before its silo joins (idempotent, under an advisory lock).
                silo.AddCityOpsGrains(dataDir, postgres);
            });
            builder.Services.AddHostedService<ClusterChangeWatcher>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<PostgresLeaderLease>());
        }
        else
        {
            builder.UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort);
                silo.AddCityOpsGrains(dataDir);
            });
        }

        return builder;
    }

    /// <summary>
    /// What every CityOps silo needs: storage, rules, zones, case events (also used by the test cluster). Without
    /// <paramref name="postgresConnection"/> everything lives in the node's data folder (SQLite, zones file); with it
    /// cases, devices, rules, zones and silences are the cluster's, in PostgreSQL (grain state too, registered by the caller).
    /// </summary>
    public static ISiloBuilder AddCityOpsGrains(this ISiloBuilder silo, string dataDir, string? postgresConnection = null)
    {
        var services = silo.Services;
        services.TryAddTimeProvider();
        services.TryAddSingleton(KindCatalog.Default);
        // The node's own SQLite file: all state on a single node; in a cluster only what is per node (the audit log).
        var local = StoreDatabase.Sqlite(Path.Combine(dataDir, "cityops.db"));
        services.AddKeyedSingleton(StoreDatabase.Local, local);
        services.AddHostedService(sp => ActivatorUtilities.CreateInstance<SqliteCheckpointer>(sp, local));
        if (postgresConnection is null)
        {
            services.AddSingleton(local);
            services.AddSingleton<IZoneStore>(new FileZoneStore(dataDir));
            services.AddSingleton<ILeaderLease, SingleNodeLease>();
        }
        else
        {
            services.AddSingleton(StoreDatabase.Postgres(postgresConnection));
            services.AddSingleton<IZoneStore, DbZoneStore>();
            services.AddSingleton(sp => new PostgresLeaderLease(postgresConnection, sp.GetRequiredService<ILogger<PostgresLeaderLease>>()));
            services.AddSingleton<ILeaderLease>(sp => sp.GetRequiredService<PostgresLeaderLease>());
        }

        // Every store is written once, against whichever database the node uses.
        services.AddGrainStorage(StorageName, (sp, _) => sp.GetRequiredService<DbGrainStorage>());
        services.AddSingleton<DbGrainStorage>();
        services.AddSingleton<DbCaseStore>();
        services.AddSingleton<ICaseStore>(sp => sp.GetRequiredService<DbCaseStore>());
        services.AddSingleton(sp => sp.GetRequiredService<DbCaseStore>().Outbox);
        services.AddSingleton<DbAlarmStore>();
        services.AddSingleton<IAlarmStore>(sp => sp.GetRequiredService<DbAlarmStore>());
        services.AddSingleton<IIncidentStore, DbIncidentStore>();
        services.AddSingleton<IDeviceDirectory, DbDeviceDirectory>();
        services.AddSingleton<IRuleVersionStore, DbRuleVersionStore>();
        services.AddSingleton<ISilenceStore, DbSilenceStore>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, StoreStartup>();

        services.AddSingleton(sp => new ZoneMap(sp.GetRequiredService<IZoneStore>()));
        services.AddSingleton<RuleCatalog>();
        services.AddSingleton<CaseEventHub>();
        services.AddSingleton<RoutingCatalog>();
        services.AddSingleton(sp => CaseCodeBook.From(sp.GetRequiredService<IOptions<CodesOptions>>().Value));
        services.AddSingleton<CaseSweeper>();
        services.AddSingleton<DeviceWatchList>();
        services.AddSingleton<LocalDevices>();
        services.AddSingleton<ILocalDevices>(sp => sp.GetRequiredService<LocalDevices>());
        services.AddSingleton<AutoProvisionGate>();
        services.AddSingleton<DeviceSweeper>();
        services.AddSingleton<SilenceBook>();
        services.AddSingleton<CaseIntake>();
        services.AddSingleton<DeviceCaseFiler>();
        services.AddSingleton<AlarmDesk>();

        return silo;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider) && !d.IsKeyedService))
        {
            services.AddSingleton(TimeProvider.System);
        }

        if (!services.Any(d => d.ServiceType == typeof(TimeProvider) && Equals(d.ServiceKey, CityOpsTime.Key)))
        {
            services.AddKeyedSingleton<TimeProvider>(CityOpsTime.Key, (sp, _) => sp.GetRequiredService<TimeProvider>());
        }
    }
}
