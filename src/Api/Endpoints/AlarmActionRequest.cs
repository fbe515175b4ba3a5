namespace CityOps.Api.Endpoints;

/// <summary>Body of <c>POST /api/v1/alarms/{id}/actions</c> (and <c>/api/v1/maintenance/{id}/actions</c>).</summary>
public sealed record AlarmActionRequest(string? Action, string? Note, string? By, string? Reason);
