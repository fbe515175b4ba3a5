namespace CityOps.Api.Endpoints;

/// <summary>
/// Body of <c>POST /api/v1/silences</c>: what to silence (any of device, grid, zone, rule; all given must
/// match), until when (<c>endsAt</c>, or <c>duration</c> like <c>2h</c>), from when (default now), and why.
/// </summary>
public sealed record SilenceRequest(
    string? DeviceId,
    string? Grid,
    string? Zone,
    string? RuleId,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    string? Duration,
    string? Reason,
    string? By);
