namespace CityOps.Tests.Infrastructure;

/// <summary>
/// The incident fixture shared by the parser, grain and process tests: gauge depth (orange and red file at once) grouped by
/// the gauges' <c>catchment</c> attribute, two or more within 10 minutes making one incident.
/// </summary>
public static class IncidentRules
{
    public const string Yaml = """
        incidents:
          - id: catchment-flood
            rules: [depth]
            group: attribute:catchment
            within: 10m
            min: 2
            case: { code: "0406", title: "{zone.name} 多点积水 ({count} 处)", fileFrom: orange }
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
        """;
}
