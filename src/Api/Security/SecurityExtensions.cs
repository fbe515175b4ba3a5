using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace CityOps.Api.Security;

/// <summary>Wiring of API keys and request limits.</summary>
public static partial class SecurityExtensions
{
    public static WebApplicationBuilder AddCityOpsSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>()
            .BindConfiguration("CityOps:Auth")
            .Validate(o => !o.Problems().Any(), "CityOps:Auth:ApiKeys is invalid")
            .ValidateOnStart();
        return builder;
    }

    public static WebApplication UseCityOpsSecurity(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<AuthOptions>>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CityOps.Security");
        foreach (var problem in options.Value.Problems())
        {
            LogKeyProblem(logger, problem);
        }

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

        app.UseMiddleware<ApiKeyMiddleware>();
        return app;
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

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Problem}")]
    private static partial void LogKeyProblem(ILogger logger, string problem);
}
