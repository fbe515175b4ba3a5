namespace CityOps.Api.Security;

/// <summary>
/// Headers every answer carries: no MIME sniffing, no framing, no referrer, and for API answers no caching
/// (they hold live case data, and keys travel in headers). API answers get a content security policy that
/// forbids everything; the one HTML page, the operator console, gets its own same-origin policy
/// (<see cref="OperatorConsole.ConsolePolicy"/>), set by the console itself or, failing that, here.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public const string ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var response = ((HttpContext)state).Response;
            var headers = response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            if (!(response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) ?? false))
            {
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
            }
            else if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
            {
                headers.ContentSecurityPolicy = OperatorConsole.ConsolePolicy.SameOrigin;
            }

            // The event stream sets its own no-cache; everything else is not to be stored anywhere.
            if (string.IsNullOrEmpty(headers.CacheControl))
            {
                headers.CacheControl = "no-store";
            }

            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
