using System.Text.Json.Serialization;

namespace CityOps.Grains;

/// <summary>
/// Where a case came from (信息采集 channel): a rule (<c>iot</c>), an inspector (监督员), a hotline (12345/12319), video
/// patrol, the public, or anything else.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<CaseSource>))]
public enum CaseSource
{
    [JsonStringEnumMemberName("iot")] Iot = 0,
    [JsonStringEnumMemberName("inspector")] Inspector = 1,
    [JsonStringEnumMemberName("hotline")] Hotline = 2,
    [JsonStringEnumMemberName("video")] Video = 3,
    [JsonStringEnumMemberName("public")] Public = 4,
    [JsonStringEnumMemberName("other")] Other = 5,
}
