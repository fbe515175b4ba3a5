using System.Net;
using CityOps.Grains.Devices;
using CityOps.Grains.Hosting;
using CityOps.Grains.RuleSets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityOps.Benchmarks;

/// <summary>One CityOps silo in this process (the grains, SQLite storage in a temp folder, the shipped rules), for grain benchmarks and the scale test.</summary>
public sealed class SiloHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string _dataDir;
    private bool _stopped;

    private SiloHost(IHost host, string dataDir)
    {
        _host = host;
        _dataDir = dataDir;
    }

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The device grains active on this silo, for the ingest path that judges without a grain call.</summary>
    public CityOps.Grains.ILocalDevices LocalDevices => _host.Services.GetRequiredService<CityOps.Grains.ILocalDevices>();

    public static async Task<SiloHost> StartAsync()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "cityops-bench-" + Guid.NewGuid().ToString("N"));
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<RulesOptions>(o => o.Path = Path.Combine(Repo.Root, "rules"));
        // scale-devices auto-provisions up to millions of devices: no per-node auto-provisioning limit here.
        builder.Services.Configure<DevicesOptions>(o => (o.AutoProvisionBurst, o.MaxAutoProvisioned) = (int.MaxValue, int.MaxValue));
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePort(), FreePort());
            silo.AddCityOpsGrains(dataDir);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new SiloHost(host, dataDir);
    }

    /// <summary>Stops the silo (every grain deactivated) and deletes its data; once, however often called.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _host.StopAsync();
        _host.Dispose();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
