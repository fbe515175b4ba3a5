namespace CityOps.Tests.Infrastructure;

/// <summary>
/// Root-cause suppression fixture shared by the grain and process tests: a lamp cabinet losing power (below 100 V) inhibits
/// the dark-lamp rule on the lamps whose <c>parent</c> is that cabinet; both file at once.
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
            case: { code: "0118", title: "路灯控制箱失电" }
          - id: lamp-dark
            kind: streetlight
            metric: current_a
            levels: [ { severity: yellow, below: 0.05 } ]
            case: { code: "0118", title: "路灯不亮" }
        """;
}
