using System.Text.Json.Serialization;

namespace CityOps.Grains;

/// <summary>
/// What became of an alarm: waiting for a person (<c>pending</c>), filed as a case (<c>filed</c>), dismissed with a reason
/// (<c>dismissed</c>), or device upkeep that never files a case (<c>maintenance</c>). Serialized lower-case.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlarmDisposition>))]
public enum AlarmDisposition
{
    [JsonStringEnumMemberName("pending")] Pending = 0,
    [JsonStringEnumMemberName("filed")] Filed = 1,
    [JsonStringEnumMemberName("dismissed")] Dismissed = 2,
    [JsonStringEnumMemberName("maintenance")] Maintenance = 3,
}
