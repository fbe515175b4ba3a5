namespace CityOps.Api.Endpoints;

/// <summary>The caller of <c>GET /api/v1/me</c>: its key's name, role and capabilities, and whether the API runs without keys.</summary>
public sealed record CallerView(string Name, string Role, bool Open, IReadOnlyList<string> Capabilities);
