using CityOps.Grains;
using CityOps.Grains.Hosting;
using CityOps.Grains.Routing;
using CityOps.Grains.RuleSets;
using CityOps.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace CityOps.Tests.Grains;

/// <summary>
/// A one-silo Orleans test cluster with CityOps' real storage (SQLite in a temp folder), a fixed
/// rule set and a fake clock, shared by the tests of a class.
/// </summary>
public class GrainClusterFixture : IAsyncLifetime
{
    public const string Rules = """
        rules:
          - id: waterlog-depth
            kind: waterlog
            metric: depth_cm
            levels:
              - { severity: blue,   above: 15 }
              - { severity: yellow, above: 27 }
              - { severity: red,    above: 50 }
            for: 1m
            clear: { hysteresis: 3, for: 5m }
            case: { code: "0406", title: "道路积水 {value} cm" }
          - id: waterlog-offline
            kind: waterlog
            offline: 30m
            case: { code: "0406", title: "积水监测终端离线" }
          - id: manhole-tilt
            kind: manhole
            metric: tilt_deg
            levels: [ { severity: yellow, above: 10 } ]
            case: { code: "{device.code}", title: "井盖倾斜 {value}°" }
          - id: streetlight-dark
            kind: streetlight
            when: night
            where: "on == 1 && current_a < 0.05"
            levels: [ { severity: yellow } ]
            case: { code: "0118", title: "路灯不亮" }
          - id: vehicle-off-route
            kind: vehicle
            outside: zone:route
            levels: [ { severity: orange } ]
            count: 2
            case: { code: "2101", title: "渣土车偏离线路" }
        """;

    /// <summary>Routing for the tests: UTC working days 08:00–12:00 and 13:00–17:00; waterlogging in one street auto-dispatched.</summary>
    public const string Routing = """
        calendar:
          timeZone: UTC
          workDays: [mon, tue, wed, thu, fri]
          hours: ["08:00-12:00", "13:00-17:00"]
        routes:
          - code: "0406"
            grid: "410702001"
            unit: drainage-co
            deadline: 4h
            timing: working
            verify: 30m
            autoDispatch: true
        """;

    private readonly TempFolder _folder = new("grains");

    /// <summary>The rule set the silo loads; a fixture for other rules overrides it.</summary>
    protected virtual string RuleText => Rules;

    /// <summary>Silo services a fixture changes after CityOps' own (e.g. the device sweep's interval).</summary>
    protected virtual void ConfigureSilo(IServiceCollection services)
    {
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 7, 20, 8, 0, 0, TimeSpan.Zero));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public IServiceProvider SiloServices => Cluster.Silos[0].ServiceProvider;

    public async Task InitializeAsync()
    {
        var rules = _folder.Combine("rules");
        Directory.CreateDirectory(rules);
        await File.WriteAllTextAsync(Path.Combine(rules, "test.yaml"), RuleText);
        var routing = _folder.Combine("routing.yaml");
        await File.WriteAllTextAsync(routing, Routing);
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddKeyedSingleton<TimeProvider>(CityOpsTime.Key, Time);
            silo.Services.Configure<RulesOptions>(o => o.Path = rules);
            silo.Services.Configure<RoutingOptions>(o => o.Path = routing);
            silo.Services.AddSingleton(ShippedKinds.Catalog);
            silo.AddCityOpsGrains(_folder.Combine("data"));
            ConfigureSilo(silo.Services);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        _folder.Dispose();
    }
}
