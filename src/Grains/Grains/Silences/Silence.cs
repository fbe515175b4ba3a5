using System.Text.Json.Serialization;

namespace CityOps.Grains.Silences;

/// <summary>
/// A maintenance window (like an Alertmanager silence): alarms of the matching devices are still
/// evaluated and shown on the device, but raise no case between <see cref="StartsAt"/> and <see cref="EndsAt"/>.
/// Every matcher given must match: a device, a grid (code or prefix), a zone (geofence id), a rule.
/// </summary>
/// <remarks>Unsealed for the API's view of it (<c>SilenceView</c>), which adds the state now after <see cref="Id"/>.</remarks>
public record Silence(
    [property: JsonPropertyOrder(-2)] string Id,
    string? DeviceId,
    string? Grid,
    string? Zone,
    string? RuleId,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string Reason,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiredAt = null)
{
    public bool IsActive(DateTimeOffset at) => ExpiredAt is null && StartsAt <= at && at < EndsAt;

    public string State(DateTimeOffset at) => ExpiredAt is not null || at >= EndsAt ? "expired" : at < StartsAt ? "pending" : "active";
}
