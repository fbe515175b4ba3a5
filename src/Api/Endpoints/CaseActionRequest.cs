namespace CityOps.Api.Endpoints;

/// <summary>
/// Body of <c>POST /api/v1/cases/{id}/actions</c>. <see cref="By"/>: whom the caller acts for (recorded as "on behalf of";
/// the actor is the API key's name); <see cref="Reason"/>: why (回退 needs one); <see cref="Level"/>: the 督办 level (1-3).
/// </summary>
public sealed record CaseActionRequest(string? Action, string? Unit, string? Note, string? By, DateTimeOffset? DueAt, string? Reason = null, int? Level = null);
