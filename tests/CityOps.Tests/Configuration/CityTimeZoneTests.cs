using CityOps.Grains;
using CityOps.Grains.Cases;
using CityOps.Grains.Configuration;
using CityOps.Grains.Kpis;
using CityOps.Grains.Routing;
using CityOps.Rules;
using CityOps.Tests.Infrastructure;
using CityOps.Tests.Rules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CityOps.Tests.Configuration;

/// <summary>
/// <c>CityOps:TimeZone</c>: the one city zone that KPI periods, the routing calendar and rule schedules default to, each
/// keeping its own key as an override.
/// </summary>
public sealed class CityTimeZoneTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static IOptions<CityOptions> City(string? zone) => Options.Create(new CityOptions { TimeZone = zone });

    [Fact]
    public async Task A_zone_that_is_not_an_iana_id_stops_start_up_naming_the_key()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["CityOps:TimeZone"] = "Mars/Olympus" });
        builder.AddValidatedOptions<CityOptions>(CityOptions.Section, CityOptions.Check);
        using var host = builder.Build();

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("CityOps:TimeZone = Mars/Olympus: must be an IANA time zone id such as Asia/Shanghai", refused.Message, StringComparison.Ordinal);
        var good = new OptionsProblems(CityOptions.Section);
        CityOptions.Check(new CityOptions(), good);
        CityOptions.Check(new CityOptions { TimeZone = "Asia/Shanghai" }, good);
        Assert.Empty(good.Lines);
        Assert.Equal(TimeZoneInfo.Local, new CityOptions().Zone());
    }

    [Theory]
    [InlineData(null, "Asia/Shanghai")]
    [InlineData("UTC", "UTC")]
    public void Kpi_periods_default_to_the_city_zone_and_their_own_key_overrides_it(string? kpiZone, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CityOps:TimeZone"] = "Asia/Shanghai",
            ["CityOps:Kpis:TimeZone"] = kpiZone,
        }).Build();
        var city = configuration.GetSection(CityOptions.Section).Get<CityOptions>()!;
        var kpis = configuration.GetSection(KpiOptions.Section).Get<KpiOptions>() ?? new KpiOptions();

        Assert.Equal(TimeZoneInfo.FindSystemTimeZoneById(expected), kpis.Zone(city));
        Assert.Equal(TimeZoneInfo.Local, new KpiOptions().Zone(new CityOptions()));
    }

    [Fact]
    public async Task The_routing_calendar_defaults_to_the_city_zone_and_calendar_time_zone_overrides_it()
    {
        using var folder = new TempFolder("routing-zone");
        Directory.CreateDirectory(folder.Path);
        var path = folder.Combine("routing.yaml");
        var options = Options.Create(new RoutingOptions { Path = path });

        using (var none = new RoutingCatalog(options, NullLogger<RoutingCatalog>.Instance, City("Asia/Shanghai")))
        {
            Assert.Equal(Shanghai, none.Current.Calendar.TimeZone);
        }

        await File.WriteAllTextAsync(path, "calendar:\n  holidays: [2026-10-01]\nroutes:\n  - code: \"0102\"\n    unit: roads\n");
        using (var unnamed = new RoutingCatalog(options, NullLogger<RoutingCatalog>.Instance, City("Asia/Shanghai")))
        {
            Assert.Equal(("roads", Shanghai), (unnamed.Current.Decide("0102", null, null, DateTimeOffset.UnixEpoch).Unit, unnamed.Current.Calendar.TimeZone));
        }

        await File.WriteAllTextAsync(path, "calendar:\n  timeZone: UTC\nroutes: []\n");
        using var named = new RoutingCatalog(options, NullLogger<RoutingCatalog>.Instance, City("Asia/Shanghai"));
        Assert.Equal(TimeZoneInfo.Utc, named.Current.Calendar.TimeZone);
    }

    [Fact]
    public void A_case_dispatched_at_a_month_boundary_without_a_routing_file_counts_working_hours_in_the_city_zone()
    {
        // 2026-11-30T16:30Z is Tuesday 1 December, 00:30, in Shanghai (Monday 16:30 in UTC). 道路积水 (0406) has 4 working
        // hours: 08:30-12:00 and 13:30-14:00 on 1 December in Shanghai, not 16:30-17:30 Monday and 08:30-11:30 Tuesday UTC.
        using var folder = new TempFolder("routing-month");
        using var routing = new RoutingCatalog(Options.Create(new RoutingOptions { Path = folder.Combine("routing.yaml") }), NullLogger<RoutingCatalog>.Instance, City("Asia/Shanghai"));
        var at = new DateTimeOffset(2026, 11, 30, 16, 30, 0, TimeSpan.Zero);
        var filing = new CaseFiling("0406", "道路积水 30 cm", Severity.Yellow, "WL-1", "waterlog-depth", null, null, null, "drainage-co", 30, at, "rule:waterlog-depth", null);
        var filed = CaseWorkflow.File("c1", filing, routing.Current.Decide("0406", null, "drainage-co", at));

        var dispatched = CaseWorkflow.Apply(filed, new CaseAction(CaseActionKind.Dispatch, null, null, "desk", null), at, routing.Current).Case!;

        Assert.True(dispatched.DueWorking);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 14, 0, 0, TimeSpan.FromHours(8)), dispatched.DueAt);
    }

    [Fact]
    public void A_schedule_without_time_zone_is_judged_in_the_city_zone_and_its_own_time_zone_overrides_it()
    {
        // 2026-07-20 21:00 in Shanghai is 13:00 UTC: inside 20:00-23:00 only when judged in Shanghai.
        var at = new DateTimeOffset(2026, 7, 20, 21, 0, 0, TimeSpan.FromHours(8));
        var city = new RuleParseOptions { TimeZone = Shanghai };

        Assert.True(TestRules.MovingTruckRaises(TestRules.NightTruck("""{ between: "20:00-23:00" }""", city), at));
        Assert.False(TestRules.MovingTruckRaises(TestRules.NightTruck("""{ between: "20:00-23:00", timeZone: UTC }""", city), at));
        Assert.False(TestRules.MovingTruckRaises(TestRules.NightTruck("""{ between: "20:00-23:00" }""", new RuleParseOptions { TimeZone = TimeZoneInfo.Utc }), at));
    }
}
