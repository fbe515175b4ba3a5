using System.Security.Claims;
using CityOps.Api.Security;
using Microsoft.Extensions.Options;

namespace CityOps.Api.Endpoints;

/// <summary>
/// Who the caller is: the name and role of the API key it sent (or, with no keys configured, the loopback
/// operator, who may do everything). Lets a client such as the console show only what its key may do without
/// probing writes that the audit log would record as refused.
/// </summary>
public static class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/me", WhoAmI).WithTags("Session")
            .WithName("WhoAmI")
            .WithSummary("The name and role of the API key sent (open: no keys configured, loopback only, every role)");
        return app;
    }

    private static Ok<CallerView> WhoAmI(HttpContext context, IOptions<AuthOptions> auth)
    {
        if (auth.Value.ApiKeys.Count == 0)
        {
            return TypedResults.Ok(new CallerView("loopback", "admin", Open: true, Capabilities(Role.Admin)));
        }

        // The key middleware authenticated the request before it got here (GET needs the viewer role).
        var user = context.User;
        var role = user.FindFirstValue(ClaimTypes.Role) ?? "viewer";
        return TypedResults.Ok(new CallerView(
            user.FindFirstValue(ClaimTypes.Name) ?? "", role, Open: false, Capabilities(Role.Find(role) ?? Role.Viewer)));
    }

    private static IReadOnlyList<string> Capabilities(Role role) =>
        [.. Enum.GetValues<Capability>().Where(c => c != Capability.None && role.Allows(c)).Select(c => c.ToString().ToLowerInvariant())];
}
