using System.Text.Json.Serialization;

namespace CityOps.Grains;

/// <summary>Whether an alarm (预警) still holds. Serialized lower-case (<c>active</c>, <c>cleared</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlarmStatus>))]
public enum AlarmStatus
{
    [JsonStringEnumMemberName("active")] Active = 0,
    [JsonStringEnumMemberName("cleared")] Cleared = 1,
}
