using System.Collections.Immutable;

namespace CityOps.Grains;

/// <summary>
/// An alarm (预警) as the API, the alarm stream and the webhook see it (CONTRACT §7): one per (device, rule) while active.
/// <see cref="Zones"/> are the geofences the device was in when the alarm was raised (the <c>zone</c> filter).
/// </summary>
[GenerateSerializer, Immutable, Alias("cityops.alarm-snapshot")]
public sealed record AlarmSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] string DeviceId,
    [property: Id(2)] string RuleId,
    [property: Id(3)] string Kind,
    [property: Id(4)] Severity Severity,
    [property: Id(5)] AlarmStatus Status,
    [property: Id(6)] double? Value,
    [property: Id(7)] double? Peak,
    [property: Id(8)] DateTimeOffset RaisedAt,
    [property: Id(9)] DateTimeOffset? ClearedAt,
    [property: Id(10)] DateTimeOffset UpdatedAt,
    [property: Id(11)] bool Acknowledged,
    [property: Id(12)] string? AcknowledgedBy,
    [property: Id(13)] DateTimeOffset? AcknowledgedAt,
    [property: Id(14)] AlarmDisposition Disposition,
    [property: Id(15)] string? CaseId,
    [property: Id(16)] string? IncidentId,
    [property: Id(17)] bool Suppressed,
    [property: Id(18)] string? SuppressedBy,
    [property: Id(19)] bool Flapping,
    [property: Id(20)] double? Lat,
    [property: Id(21)] double? Lon,
    [property: Id(22)] string? Grid,
    [property: Id(23)] string? Unit,
    [property: Id(24)] string Title,
    [property: Id(25)] string? DismissReason,
    [property: Id(26)] DateTimeOffset? ClosedAt,
    [property: Id(27)] ImmutableArray<string> Zones,
    [property: Id(28)] ImmutableArray<HistoryEntry> History);
