using System.Text.Json.Serialization;

namespace CityOps.Grains;

/// <summary>
/// How a case change is announced (stream, durable event log, webhook <c>event</c>): <c>case.filed</c>, <c>case.updated</c>,
/// one per action, and what time does (<c>case.overdue</c>, <c>case.supervised</c> when 督办 is automatic).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<CaseEventKind>))]
public enum CaseEventKind
{
    [JsonStringEnumMemberName("case.filed")] Filed = 0,
    [JsonStringEnumMemberName("case.updated")] Updated = 1,
    [JsonStringEnumMemberName("case.dispatched")] Dispatched = 2,
    [JsonStringEnumMemberName("case.handled")] Handled = 3,
    [JsonStringEnumMemberName("case.verified")] Verified = 4,
    [JsonStringEnumMemberName("case.closed")] Closed = 5,
    [JsonStringEnumMemberName("case.cancelled")] Cancelled = 6,
    [JsonStringEnumMemberName("case.reworked")] Reworked = 7,
    [JsonStringEnumMemberName("case.postponed")] Postponed = 8,
    [JsonStringEnumMemberName("case.overdue")] Overdue = 9,
    [JsonStringEnumMemberName("case.returned")] Returned = 10,
    [JsonStringEnumMemberName("case.reassigned")] Reassigned = 11,
    [JsonStringEnumMemberName("case.postpone-requested")] PostponeRequested = 12,
    [JsonStringEnumMemberName("case.postpone-rejected")] PostponeRejected = 13,
    [JsonStringEnumMemberName("case.deferred")] Deferred = 14,
    [JsonStringEnumMemberName("case.resumed")] Resumed = 15,
    [JsonStringEnumMemberName("case.supervised")] Supervised = 16,
}
