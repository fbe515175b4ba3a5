using System.Text.Json.Serialization;

namespace CityOps.Grains;

/// <summary>
/// Case statuses of the GB/T 30428 workflow (立案 → 派遣 → 处置 → 核查 → 结案), with 作废 (<c>cancelled</c>, never counted as
/// 结案) and 挂账/缓办 (<c>deferred</c>, out of the overdue count while it lasts). Serialized lower-case.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<CaseStatus>))]
public enum CaseStatus
{
    [JsonStringEnumMemberName("filed")] Filed = 0,
    [JsonStringEnumMemberName("dispatched")] Dispatched = 1,
    [JsonStringEnumMemberName("handled")] Handled = 2,
    [JsonStringEnumMemberName("verified")] Verified = 3,
    [JsonStringEnumMemberName("closed")] Closed = 4,
    [JsonStringEnumMemberName("cancelled")] Cancelled = 5,
    [JsonStringEnumMemberName("deferred")] Deferred = 6,
}
