using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CityOps.Api.Security;

/// <summary>
/// API keys (<c>X-Api-Key: key</c> or <c>Authorization: Bearer key</c>) checked against the capability the request
/// needs (<see cref="AccessPolicy"/>): 401 without a known key, 403 when its role lacks it, both as
/// problem+json. With no key configured, only loopback clients are served. Also caps the request body
/// per endpoint (413 beyond it).
/// </summary>
public sealed class ApiKeyMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IProblemDetailsService _problems;
    private readonly ApiKeyRing _keys;

    public ApiKeyMiddleware(RequestDelegate next, IOptions<AuthOptions> options, IProblemDetailsService problems)
    {
        _next = next;
        _problems = problems;
        _keys = new ApiKeyRing(options.Value);
    }

    public bool Open => _keys.Open;

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

        var presented = ApiKeyRing.Presented(request);
        if (!_keys.TryFind(presented, out var holder))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer, ApiKey header=\"X-Api-Key\"";
            await Refuse(context, StatusCodes.Status401Unauthorized, "Unauthorized",
                presented is null ? "Send an API key as X-Api-Key or Authorization: Bearer." : "The API key is not known.");
            return;
        }

        if (!holder.Role.Allows(required.Value))
        {
            await Refuse(context, StatusCodes.Status403Forbidden, "Forbidden",
                $"This needs the {required.Value.ToString().ToLowerInvariant()} capability; the key of {holder.Name} is {holder.Role.Name}, which lacks it.");
            return;
        }

        context.User = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, holder.Name), new Claim(ClaimTypes.Role, holder.Role.Name)], "ApiKey"));
        await _next(context);
    }

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
