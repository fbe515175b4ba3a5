namespace CityOps.Api.Endpoints;

/// <summary>Body of <c>POST /api/v1/cases</c>: a case filed by a person (an inspector, a hotline operator).</summary>
public sealed record CaseRequest(string? Code, string? Title, string? Severity, string? DeviceId, double? Lat, double? Lon, string? Unit, string? Note, string? By);
