using CityOps.Grains.Cases;
using CityOps.Grains.Devices;
using CityOps.Grains.Dispatch;
using CityOps.Grains.Routing;
using CityOps.Grains.RuleSets;
using CityOps.Grains.Silences;
using CityOps.Grains.Storage;
using CityOps.Grains.Zones;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime.Hosting;

namespace CityOps.Grains.Hosting;

/// <summary>The single wiring point of the grains: the silo, its storage, rules and zones.</summary>
public static class GrainsHostingExtensions
{
    public const string StorageName = "cityops";

    public static IHostApplicationBuilder AddCityOpsGrains(this IHostApplicationBuilder builder)
    {
        var dataDir = Path.GetFullPath(builder.Configuration["CityOps:DataDir"] ?? "./data");
        Directory.CreateDirectory(dataDir);
        var cluster = builder.Configuration.GetSection("CityOps:Cluster").Get<CityOpsClusterOptions>() ?? new CityOpsClusterOptions();

        builder.Services.AddOptions<RulesOptions>().BindConfiguration("CityOps:Rules");
        builder.Services.AddOptions<DevicesOptions>().BindConfiguration("CityOps:Devices");
        builder.Services.AddOptions<RoutingOptions>().BindConfiguration("CityOps:Routing");
        builder.Services.AddOptions<CasesOptions>().BindConfiguration("CityOps:Cases");
        builder.Services.AddOptions<DispatchOptions>().BindConfiguration("CityOps:Dispatch");
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CaseSweeper>());
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort);
            silo.AddCityOpsGrains(dataDir);
        });
        return builder;
    }

    /// <summary>What every CityOps silo needs: local storage, rules, zones, case events (also used by the test cluster).</summary>
    public static ISiloBuilder AddCityOpsGrains(this ISiloBuilder silo, string dataDir)
    {
        var services = silo.Services;
        services.TryAddTimeProvider();
        services.AddGrainStorage(StorageName, (sp, _) => sp.GetRequiredService<SqliteGrainStorage>());
        services.AddSingleton(new SqliteDatabase(Path.Combine(dataDir, "cityops.db")));
        services.AddSingleton<SqliteGrainStorage>();
        services.AddSingleton<SqliteCaseStore>();
        services.AddSingleton<ICaseStore>(sp => sp.GetRequiredService<SqliteCaseStore>());
        services.AddSingleton<IWebhookOutbox>(sp => sp.GetRequiredService<SqliteCaseStore>());
        services.AddSingleton<IDeviceDirectory, SqliteDeviceDirectory>();
        services.AddSingleton(new ZoneMap(dataDir));
        services.AddSingleton<RuleCatalog>();
        services.AddSingleton<CaseEventHub>();
        silo.AddIncomingGrainCallFilter<StorageFailureFilter>();
        services.AddSingleton<RoutingCatalog>();
        services.AddSingleton<CaseSweeper>();
        services.AddSingleton<SilenceBook>();
        services.AddSingleton<CaseIntake>();

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
