namespace CityOps.Tests.Infrastructure;

/// <summary>
/// The alarm desk's rule fixture, shared by the policy, grain and process tests: a depth ladder that files from orange,
/// a maintenance battery rule, a confirm rule, a never rule and a flapping rule.
/// </summary>
public static class AlarmDeskRules
{
    public const string Yaml = """
        rules:
          - id: depth
            kind: waterlog
            metric: depth_cm
            levels:
              - { severity: blue,   above: 15 }
              - { severity: yellow, above: 27 }
              - { severity: orange, above: 40 }
              - { severity: red,    above: 50 }
            clear: { hysteresis: 3 }
            case: { code: "0406", title: "道路积水 {value} cm", fileFrom: orange }
          - id: battery
            kind: waterlog
            metric: battery_pct
            levels: [ { severity: yellow, below: 20 } ]
            maintenance: true
          - id: tilt
            kind: manhole
            metric: tilt_deg
            levels: [ { severity: yellow, above: 10 } ]
            case: { code: "0103", title: "井盖倾斜 {value}°", file: confirm }
          - id: open
            kind: manhole
            metric: open
            levels: [ { severity: orange, above: 0.5 } ]
            case: { code: "0103", title: "井盖打开", file: never }
          - id: gas
            kind: manhole
            metric: gas_ch4_lel
            levels: [ { severity: yellow, above: 10 } ]
            flapping: { changes: 4, within: 10m }
            case: { code: "0111", title: "井下燃气 {value}% LEL" }
        """;
}
