using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CityOps.Api.Security;

/// <summary>
/// API keys (<c>X-Api-Key: key</c> or <c>Authorization: Bearer key</c>) checked against the role the request
/// needs (<see cref="AccessPolicy"/>): 401 without a known key, 403 when its role is too low, both as
/// problem+json. With no key configured, only loopback clients are served. Also caps the request body
/// per endpoint (413 beyond it).
/// </summary>
public sealed class ApiKeyMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IProblemDetailsService _problems;
    private readonly Dictionary<string, (Role Role, string Name)> _keys;

    public ApiKeyMiddleware(RequestDelegate next, IOptions<AuthOptions> options, IProblemDetailsService problems)
    {
        _next = next;
        _problems = problems;
        _keys = options.Value.ApiKeys.ToDictionary(
            k => Hash(k.Key),
            k => (Enum.Parse<Role>(k.Role, ignoreCase: true), k.Name ?? k.Role.ToLowerInvariant()),
            StringComparer.Ordinal);
    }

    public bool Open => _keys.Count == 0;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = AccessPolicy.BodyLimit(request.Path);
        }

        var required = AccessPolicy.Required(request.Method, request.Path);
        if (Open)
        {
            if (required is not null && context.Connection.RemoteIpAddress is { } remote && !IPAddress.IsLoopback(remote))
            {
                await Refuse(context, StatusCodes.Status403Forbidden, "Loopback only",
                    "No API keys are configured (CityOps:Auth:ApiKeys), so CityOps answers loopback clients only.");
                return;
            }

            await _next(context);
            return;
        }

        if (required is null)
        {
            await _next(context);
            return;
        }

        var presented = Presented(request);
        if (presented is null || !_keys.TryGetValue(Hash(presented), out var holder))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer, ApiKey header=\"X-Api-Key\"";
            await Refuse(context, StatusCodes.Status401Unauthorized, "Unauthorized",
                presented is null ? "Send an API key as X-Api-Key or Authorization: Bearer." : "The API key is not known.");
            return;
        }

        if (holder.Role < required)
        {
            await Refuse(context, StatusCodes.Status403Forbidden, "Forbidden",
                $"This needs the {required.Value.ToString().ToLowerInvariant()} role; the key of {holder.Name} is {holder.Role.ToString().ToLowerInvariant()}.");
            return;
        }

        context.User = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, holder.Name), new Claim(ClaimTypes.Role, holder.Role.ToString().ToLowerInvariant())], "ApiKey"));
        await _next(context);
    }

    private static string? Presented(HttpRequest request)
    {
        var header = request.Headers["X-Api-Key"].ToString();
        if (header.Length > 0)
        {
            return header;
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }

    // Keys are compared as SHA-256 digests: the lookup never works on the secret itself, nor leaks its length.
    private static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private Task Refuse(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return _problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}
