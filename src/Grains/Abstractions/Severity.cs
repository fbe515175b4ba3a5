using System.Text.Json.Serialization;

namespace CityOps.Grains;

/// <summary>
/// Warning colours of the Chinese early-warning scale (蓝/黄/橙/红 预警); ordered so that a larger value is more severe.
/// Rules judge in it, and alarms, incidents and cases carry it; on the wire (JSON, stored rows, webhook payloads, InfluxDB
/// tags, rule files) it is its lower-case name (<see cref="WireNames"/>), in Orleans messages and grain state its number
/// (<see cref="SeverityCodec"/>).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    [JsonStringEnumMemberName("none")] None = 0,
    [JsonStringEnumMemberName("blue")] Blue = 1,
    [JsonStringEnumMemberName("yellow")] Yellow = 2,
    [JsonStringEnumMemberName("orange")] Orange = 3,
    [JsonStringEnumMemberName("red")] Red = 4,
}
