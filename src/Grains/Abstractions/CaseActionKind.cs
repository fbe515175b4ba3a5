using System.Text.Json.Serialization;

namespace CityOps.Grains;

/// <summary>
/// What a person (or time) does with a case (CONTRACT §4 and §9). Serialized lower-case and kebab-case, as in
/// <c>POST /api/v1/cases/{id}/actions</c> and in the history entries each action appends.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<CaseActionKind>))]
public enum CaseActionKind
{
    [JsonStringEnumMemberName("dispatch")] Dispatch = 0,
    [JsonStringEnumMemberName("handle")] Handle = 1,
    [JsonStringEnumMemberName("verify")] Verify = 2,
    [JsonStringEnumMemberName("close")] Close = 3,
    [JsonStringEnumMemberName("rework")] Rework = 4,
    [JsonStringEnumMemberName("postpone")] Postpone = 5,
    [JsonStringEnumMemberName("cancel")] Cancel = 6,
    [JsonStringEnumMemberName("return")] Return = 7,
    [JsonStringEnumMemberName("reassign")] Reassign = 8,
    [JsonStringEnumMemberName("request-postpone")] RequestPostpone = 9,
    [JsonStringEnumMemberName("approve-postpone")] ApprovePostpone = 10,
    [JsonStringEnumMemberName("reject-postpone")] RejectPostpone = 11,
    [JsonStringEnumMemberName("defer")] Defer = 12,
    [JsonStringEnumMemberName("resume")] Resume = 13,
    [JsonStringEnumMemberName("supervise")] Supervise = 14,
}
