using System.Security.Claims;

namespace CityOps.Api.Security;

/// <summary>What the caller of a request may do, and who acts for the history.</summary>
public static class Roles
{
    /// <summary>
    /// Whether the caller of a request holds <paramref name="needed"/>. Without API keys (open mode, loopback only) no one
    /// is authenticated and every caller may do everything.
    /// </summary>
    public static bool Has(ClaimsPrincipal user, Capability needed)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity?.IsAuthenticated != true)
        {
            return true;
        }

        return user.FindFirstValue(ClaimTypes.Role) is { } name && Role.Find(name) is { } role && role.Allows(needed);
    }

    /// <summary>
    /// Who acts, for the history: the authenticated key's name, with the request's <c>by</c> only as "on behalf of"; in
    /// open mode (no keys) the <c>by</c> given, else <c>api</c>.
    /// </summary>
    public static (string Actor, string? OnBehalfOf) Actor(ClaimsPrincipal user, string? by)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name })
        {
            return (name, string.IsNullOrWhiteSpace(by) || by == name ? null : by.Trim());
        }

        return (string.IsNullOrWhiteSpace(by) ? "api" : by.Trim(), null);
    }
}
