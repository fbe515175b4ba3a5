namespace CityOps.Api.Endpoints;

/// <summary>
/// Body of <c>POST /api/v1/cases</c>: a case filed by a person (an inspector, a hotline operator). <see cref="CodeType"/>:
/// <c>component</c> (部件) or <c>event</c> (事件), else the code tables decide; <see cref="Source"/>: <c>inspector</c>,
/// <c>hotline</c>, <c>video</c>, <c>public</c> or <c>other</c> (default <c>other</c>).
/// </summary>
public sealed record CaseRequest(
    string? Code, string? Title, string? Severity, string? DeviceId, double? Lat, double? Lon, string? Unit, string? Note, string? By,
    string? CodeType = null, string? Source = null);
