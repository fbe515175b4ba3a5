namespace CityOps.Tests.Infrastructure;

/// <summary>
/// Root-cause suppression fixture shared by the grain and process tests: a lamp cabinet losing power (below 100 V) inhibits
/// the dark-lamp rule on the lamps whose <c>parent</c> is that cabinet; both file at once; the cabinet's alarm flaps at 4
/// changes within 10 minutes. Likewise a pump station's pump
/// fault inhibits the surcharge rule of the drains it serves, which holds its clear for 5 minutes (<c>clear: { for: 5m }</c>);
/// two or more surcharged drains of one station (their <c>parent</c>) within 10 minutes make one incident.
/// </summary>
public static class SuppressionRules
{
    public const string Yaml = """
        rules:
          - id: cabinet-power-loss
            kind: lampcabinet
            metric: voltage_v
            levels: [ { severity: orange, below: 100 } ]
            inhibits: [lamp-dark]
            flapping: { changes: 4, within: 10m }
            case: { code: "0118", title: "路灯控制箱失电" }
          - id: lamp-dark
            kind: streetlight
            metric: current_a
            levels: [ { severity: yellow, below: 0.05 } ]
            case: { code: "0118", title: "路灯不亮" }
          - id: pump-fault
            kind: drainage
            metric: pump_fault
            levels: [ { severity: orange, above: 0.5 } ]
            inhibits: [drain-surcharged]
            case: { code: "0404", title: "泵站故障" }
          - id: drain-surcharged
            kind: drainage
            metric: fill_ratio
            levels: [ { severity: yellow, above: 1 } ]
            clear: { for: 5m }
            case: { code: "0404", title: "管网满溢" }
        incidents:
          - id: station-surcharge
            rules: [drain-surcharged]
            group: attribute:parent
            within: 10m
            min: 2
            case: { code: "0404", title: "泵站服务区多点满溢 ({count} 处)" }
        """;
}
