using CityOps.Grains.Devices;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Tests.Grains;

/// <summary>The test cluster with rules that escalate and remind without readings (<c>escalate:</c>, <c>remind:</c>), and a drain
/// surcharge rule with a 5-minute clear hold whose alarms form an incident per catchment (silences ending).</summary>
public sealed class AlarmClockClusterFixture : GrainClusterFixture
{
    public const string ClockRules = """
        rules:
          - id: depth
            kind: waterlog
            metric: depth_cm
            levels:
              - { severity: blue,   above: 15 }
              - { severity: yellow, above: 27 }
              - { severity: orange, above: 40 }
              - { severity: red,    above: 50 }
            escalate: [ { after: 30m, to: orange, unless: acknowledged } ]
            case: { code: "0406", title: "道路积水 {value} cm", fileFrom: orange }
          - id: tilt
            kind: manhole
            metric: tilt_deg
            levels: [ { severity: yellow, above: 10 } ]
            remind: 15m
            case: { code: "0103", title: "井盖倾斜 {value}°", file: confirm }
          - id: gas
            kind: manhole
            metric: gas_ch4_lel
            levels: [ { severity: yellow, above: 10 } ]
            escalate:
              - { after: 10m, to: orange }
              - { after: 20m, to: red }
            case: { code: "0111", title: "井下燃气 {value}% LEL" }
          - id: surcharge
            kind: drainage
            metric: fill_ratio
            levels: [ { severity: yellow, above: 1 } ]
            clear: { for: 5m }
            case: { code: "0404", title: "管网满溢" }
        incidents:
          - id: catchment-surcharge
            rules: [surcharge]
            group: attribute:catchment
            within: 10m
            min: 2
            case: { code: "0404", title: "汇水区多点满溢 ({count} 处)" }
        """;

    protected override string RuleText => ClockRules;

    // The tests run the sweep themselves (DeviceSweeper.SweepAsync) after moving the clock: none in the background.
    protected override void ConfigureSilo(IServiceCollection services) =>
        services.Configure<DevicesOptions>(o => o.SweepInterval = TimeSpan.FromDays(1));
}
