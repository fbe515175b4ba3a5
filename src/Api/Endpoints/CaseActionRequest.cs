namespace CityOps.Api.Endpoints;

/// <summary>Body of <c>POST /api/v1/cases/{id}/actions</c>.</summary>
public sealed record CaseActionRequest(string? Action, string? Unit, string? Note, string? By, DateTimeOffset? DueAt);
