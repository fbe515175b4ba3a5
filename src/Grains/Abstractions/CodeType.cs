using System.Text.Json.Serialization;

namespace CityOps.Grains;

/// <summary>Which GB/T 30428 code table a case code is from: 部件 (<c>component</c>) or 事件 (<c>event</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CodeType>))]
public enum CodeType
{
    [JsonStringEnumMemberName("event")] Event = 0,
    [JsonStringEnumMemberName("component")] Component = 1,
}
