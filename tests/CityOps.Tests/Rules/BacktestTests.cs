using System.Text;
using CityOps.Grains;
using CityOps.Rules;
using CityOps.Rules.Backtesting;
using static CityOps.Tests.Rules.TestRules;

namespace CityOps.Tests.Rules;

public class BacktestTests
{
    private static readonly DateTimeOffset T0 = TestRules.T0;

    private static string StormCsv()
    {
        var csv = new StringBuilder("time,device,kind,depth_cm,battery_pct\n");
        double[] depths = [10, 20, 20, 30, 55, 55, 10, 10, 10, 10, 10, 10, 10];
        for (var i = 0; i < depths.Length; i++)
        {
            csv.Append(T0.AddMinutes(i).ToString("O")).Append(",WL-1,waterlog,").Append(depths[i]).Append(",80\n");
            csv.Append(T0.AddMinutes(i).ToUnixTimeMilliseconds()).Append(",WL-2,waterlog,5,\n");
        }

        return csv.ToString();
    }

    [Fact]
    public void Csv_storm_replays_into_one_case_per_alarm_with_its_history()
    {
        var problems = new List<string>();
        var readings = TelemetryFile.Parse(StormCsv(), TelemetryFormat.Csv, problems);
        var rules = RuleParser.Parse("w.yaml", """
            rules:
              - id: depth
                kind: waterlog
                metric: depth_cm
                levels:
                  - { severity: blue, above: 15 }
                  - { severity: red,  above: 50 }
                for: 1m
                clear: { hysteresis: 3, for: 5m }
                case: { code: "0406", title: "道路积水 {peak} cm" }
            """).RuleSet!;

        var result = Backtester.Run(rules, readings, new BacktestFilter(), NoZones.Instance, _ => null);

        Assert.Empty(problems);
        Assert.Equal((26, 2), (result.Readings, result.Devices));
        var raised = Assert.Single(result.Cases);
        Assert.Equal(("WL-1", "depth", Severity.Red), (raised.Device, raised.Rule, raised.Severity));
        Assert.Equal(T0.AddMinutes(2), raised.OpenedAt);
        Assert.Equal(T0.AddMinutes(11), raised.ClearedAt);
        Assert.Equal(55, raised.Peak);
        Assert.Equal("道路积水 55 cm", raised.Title);
        Assert.Equal(3, raised.Events.Length);

        var window = Backtester.Run(rules, readings, new BacktestFilter(To: T0.AddMinutes(5)), NoZones.Instance, _ => null);
        Assert.Null(Assert.Single(window.Cases).ClearedAt);
        Assert.Empty(Backtester.Run(rules, readings, new BacktestFilter(Devices: new HashSet<string> { "WL-2" }), NoZones.Instance, _ => null).Cases);
    }

    [Fact]
    public void Device_profile_brings_position_and_threshold_attributes_into_the_replay()
    {
        var readings = TelemetryFile.Parse(StormCsv(), TelemetryFormat.Csv, []);
        var profile = new DeviceProfile("下穿", "0406", 35.3, 113.9, new Dictionary<string, string> { ["threshold.depth.blue"] = "3" });

        var result = Backtester.Run(new RuleSet([Depth(forDuration: "1m")]), readings, new BacktestFilter(Devices: new HashSet<string> { "WL-2" }), NoZones.Instance, id => id == "WL-2" ? profile : null);

        Assert.Equal(Severity.Blue, Assert.Single(result.Cases).Severity);
    }

    [Fact]
    public void Line_protocol_as_cityops_writes_it_is_replayed_and_other_measurements_skipped()
    {
        var ms = T0.ToUnixTimeMilliseconds();
        var lp = $"""
            vehicle,device=VH-1,grid=410702001001001 speed_kmh=30,heading_deg=90,lid_closed=1i,lat=35.3,lon=113.9 {ms}
            vehicle,device=VH-1 speed_kmh=70,lid_closed=true,lat=35.31,lon=113.91 {ms + 60_000}
            cases,code=0406,severity=red id="x",value=3 {ms}
            waterlog,device=WL\ 9 depth_cm=12.5 {(ms + 1000) * 1_000_000}
            waterlog,grid=1 depth_cm=1 {ms}
            """;
        var problems = new List<string>();

        var readings = TelemetryFile.Parse(lp, TelemetryFile.Detect(lp, null), problems);

        Assert.Equal(["line 5: the point has no device tag"], problems);
        Assert.Equal(3, readings.Count);
        Assert.Equal(("VH-1", "vehicle", T0, 35.3, 113.9), (readings[0].Device, readings[0].Kind, readings[0].At, readings[0].Lat!.Value, readings[0].Lon!.Value));
        Assert.Contains(("lid_closed", 1.0), readings[1].Metrics);
        Assert.Equal(("WL 9", T0.AddSeconds(1)), (readings[2].Device, readings[2].At));
    }

    [Fact]
    public void Bad_csv_lines_are_reported_and_skipped()
    {
        var problems = new List<string>();
        var readings = TelemetryFile.Parse("time,device,kind,depth_cm\nyesterday,WL-1,waterlog,3\n2026-07-20T08:00:00Z,WL-1,waterlog,deep\n2026-07-20T08:00:00Z,WL-1,waterlog,4\n", TelemetryFormat.Csv, problems);

        Assert.Single(readings);
        Assert.Equal(2, problems.Count);
        Assert.StartsWith("line 2:", problems[0], StringComparison.Ordinal);
    }
}
