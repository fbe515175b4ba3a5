namespace CityOps.Grains.Storage;

/// <summary>Filters of <c>GET /api/v1/alarms</c> (and the maintenance queue); null means any.</summary>
public sealed record AlarmQuery(
    AlarmStatus? Status = null,
    Severity? Severity = null,
    string? Kind = null,
    string? RuleId = null,
    string? DeviceId = null,
    string? Zone = null,
    string? Grid = null,
    bool? Acknowledged = null,
    AlarmDisposition? Disposition = null,
    int Page = 1,
    int PageSize = 50);
