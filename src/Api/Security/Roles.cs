using System.Security.Claims;

namespace CityOps.Api.Security;

/// <summary>The capabilities of each role, and of the caller of a request.</summary>
public static class Roles
{
    public const string CapabilityClaim = "cityops:capability";

    private const Capability DispatcherSet = Capability.Read | Capability.AlarmDesk | Capability.Upkeep | Capability.Silences | Capability.Cases;

    public static Capability Of(Role role) => role switch
    {
        Role.Viewer => Capability.Read,
        Role.Monitor => Capability.Read | Capability.AlarmDesk | Capability.Upkeep,
        Role.Engineer => Capability.Read | Capability.Rules | Capability.Silences,
        Role.Dispatcher => DispatcherSet,
        Role.Supervisor => DispatcherSet | Capability.Supervise,
        Role.Admin => (Capability)(-1),
        _ => Capability.None,
    };

    public static bool Allows(Role role, Capability needed) => (Of(role) & needed) == needed;

    /// <summary>The role names accepted in configuration.</summary>
    public static string Names => "viewer, monitor, engineer, dispatcher, supervisor or admin";

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

        return user.FindFirstValue(ClaimTypes.Role) is { } name && Enum.TryParse<Role>(name, ignoreCase: true, out var role) && Allows(role, needed);
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
