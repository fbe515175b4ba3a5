using System.Globalization;

namespace CityOps.Tests.Integration;

/// <summary>A tiny city for integration tests: two unit grids, and rules that fire at once.</summary>
public static class TestCity
{
    public const string Rules = """
        rules:
          - id: waterlog-depth
            kind: waterlog
            metric: depth_cm
            levels:
              - { severity: blue,   above: 15 }
              - { severity: yellow, above: 27 }
              - { severity: orange, above: 40 }
              - { severity: red,    above: 50 }
            for: 0
            clear: { hysteresis: 3, for: 0 }
            case: { code: "0406", title: "道路积水 {value} cm" }
          - id: manhole-tilt
            kind: manhole
            metric: tilt_deg
            levels: [ { severity: yellow, above: 10 } ]
            case: { code: "{device.code}", title: "井盖倾斜" }
        """;

    public const string Zones = """
        {"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"id":"g1","type":"grid","name":"胜利街网格","code":"410702001001001","unit":"water-east"},
           "geometry":{"type":"Polygon","coordinates":[[[113.90,35.30],[113.91,35.30],[113.91,35.31],[113.90,35.31],[113.90,35.30]]]}},
          {"type":"Feature","properties":{"id":"g2","type":"grid","name":"人民路网格","code":"410702001001002","unit":"roads-bureau"},
           "geometry":{"type":"Polygon","coordinates":[[[113.91,35.30],[113.92,35.30],[113.92,35.31],[113.91,35.31],[113.91,35.30]]]}}
        ]}
        """;

    public static Dictionary<string, string> Settings(string rulesDir, int brokerPort) => new()
    {
        ["CityOps:Rules:Path"] = rulesDir,
        ["CityOps:Mqtt:Host"] = "127.0.0.1",
        ["CityOps:Mqtt:Port"] = brokerPort.ToString(CultureInfo.InvariantCulture),
        ["CityOps:Mqtt:ClientId"] = "cityops-test-" + Guid.NewGuid().ToString("N")[..8],
    };
}
