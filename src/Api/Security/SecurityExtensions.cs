using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using CityOps.Api.Audit;
using Microsoft.AspNetCore.RateLimiting;
using CityOps.Grains.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace CityOps.Api.Security;

/// <summary>Wiring of API keys and request limits.</summary>
public static partial class SecurityExtensions
{
    public static IHostApplicationBuilder AddCityOpsSecurity(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<AuthOptions>(AuthOptions.Section, AuthOptions.Check);
        builder.AddValidatedOptions<RateLimitOptions>(RateLimitOptions.Section, RateLimitOptions.Check);
        builder.Services.AddSingleton(sp => new ApiKeyRing(sp.GetRequiredService<IOptions<AuthOptions>>().Value));
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>()
            .Configure<IOptions<RateLimitOptions>, ApiKeyRing>((limiter, limits, keys) => RateLimiting.Configure(limiter, limits.Value, keys));
        builder.Services.AddSingleton<IAuditLog, DbAuditLog>();
        builder.AddValidatedOptions<AuditOptions>(AuditOptions.Section, AuditOptions.Check);
        builder.Services.AddHostedService<AuditRetentionSweeper>();
        builder.Services.Configure<ProblemDetailsOptions>(o => o.CustomizeProblemDetails += HideFailure);
        builder.Services.Configure<KestrelServerOptions>(k => k.AddServerHeader = false);
        return builder;
    }

    public static WebApplication UseCityOpsSecurity(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<AuthOptions>>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CityOps.Security");
        if (options.Value.ApiKeys.Count == 0)
        {
            // Said loudly, and again once the addresses are known if any of them is not loopback.
            LogOpen(logger);
            app.Lifetime.ApplicationStarted.Register(() =>
            {
                var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
                foreach (var address in addresses.Where(a => !IsLoopback(a)))
                {
                    LogOpenOnNetwork(logger, address);
                }
            });
        }
        else
        {
            LogKeys(logger, options.Value.ApiKeys.Count);
        }

        // Rate limits first (unknown keys are limited per client address), then the key and role check,
        // then the audit of what got through to it.
        app.UseRateLimiter();
        app.UseMiddleware<AuditMiddleware>();
        app.UseMiddleware<ApiKeyMiddleware>();
        return app;
    }

    /// <summary>Adds the security headers; outermost, so error pages and refusals carry them too.</summary>
    public static WebApplication UseCityOpsSecurityHeaders(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeadersMiddleware>();
        return app;
    }

    // An unexpected failure says what failed and where to look (traceId in the log), never how: no
    // exception message, type or stack in the answer, whatever the environment.
    private static void HideFailure(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Status is >= 500 && context.Exception is not null)
        {
            context.ProblemDetails.Detail = "The failure was logged on the server" + (context.HttpContext.TraceIdentifier is { Length: > 0 } id ? $" (trace {id})." : ".");
            foreach (var key in context.ProblemDetails.Extensions.Keys.Where(k => k != "traceId").ToList())
            {
                context.ProblemDetails.Extensions.Remove(key);
            }
        }
    }

    private static bool IsLoopback(string address)
    {
        var host = new Uri(address.Replace("*", "0.0.0.0", StringComparison.Ordinal).Replace("+", "0.0.0.0", StringComparison.Ordinal)).Host;
        return host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "!!! NO API KEYS CONFIGURED (CityOps:Auth:ApiKeys): the API is OPEN and answers LOOPBACK CLIENTS ONLY. Configure keys before exposing it.")]
    private static partial void LogOpen(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "!!! Listening on {Address} without API keys: requests from other machines are refused (403) until keys are configured")]
    private static partial void LogOpenOnNetwork(ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "API keys in force: {Count}")]
    private static partial void LogKeys(ILogger logger, int count);
}
