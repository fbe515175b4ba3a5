using CityOps.Grains.Silences;

namespace CityOps.Api.Endpoints;

/// <summary>A silence as the API shows it, with its state (<c>pending</c>, <c>active</c>, <c>expired</c>) now.</summary>
public sealed record SilenceView(
    string Id,
    string State,
    string? DeviceId,
    string? Grid,
    string? Zone,
    string? RuleId,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string Reason,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiredAt)
{
    public static SilenceView Of(Silence s, DateTimeOffset now) => new(
        s.Id, s.State(now), s.DeviceId, s.Grid, s.Zone, s.RuleId, s.StartsAt, s.EndsAt, s.Reason, s.CreatedBy, s.CreatedAt, s.ExpiredAt);
}
