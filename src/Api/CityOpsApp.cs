using System.Text.Json;
using CityOps.Api.Demo;
using CityOps.Api.Dispatch;
using CityOps.Api.Endpoints;
using CityOps.Api.Hosting;
using CityOps.Api.OperatorConsole;
using CityOps.Api.Security;
using CityOps.Grains;
using CityOps.Grains.Hosting;
using CityOps.Grains.RuleSets;
using CityOps.Ingest;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Prometheus;

namespace CityOps.Api;

/// <summary>The host: one Orleans silo, the MQTT edge and the HTTP API in one process.</summary>
public static partial class CityOpsApp
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplicationBuilder AddCityOps(this WebApplicationBuilder builder, bool demo)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 32 * 1024 * 1024);
        builder.Services.ConfigureHttpJsonOptions(o => CityOpsJson.Configure(o.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddHealthChecks()
            .AddCheck<MqttHealthCheck>("mqtt")
            .AddCheck<StorageHealthCheck>("storage")
            .AddCheck<TelemetryHealthCheck>("telemetry");

        builder.AddCityOpsSecurity();
        builder.AddCityOpsGrains();
        builder.AddCityOpsIngest();
        builder.Services.AddHostedService<DeviceWaker>();
        builder.Services.AddHostedService<CaseConsoleReporter>();
        builder.Services.AddHostedService<CaseTelemetryWriter>();
        builder.Services.AddHostedService<EngineTelemetryReporter>();
        builder.Services.AddHttpClient(WebhookDispatcher.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        builder.Services.AddHostedService<WebhookDispatcher>();
        if (demo)
        {
            builder.AddCityOpsDemo();
        }

        return builder;
    }

    public static WebApplication MapCityOps(this WebApplication app)
    {
        app.UseCityOpsPipeline();
        app.MapOpenApi();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = WriteHealth });
        app.MapMetrics("/metrics");
        app.MapDeviceEndpoints();
        app.MapZoneEndpoints();
        app.MapRuleEndpoints();
        app.MapCaseEndpoints();
        app.MapSilenceEndpoints();
        app.MapKpiEndpoints();
        app.MapOpen311Endpoints();
        app.MapRoutingEndpoints();
        app.MapAuditEndpoints();

        // Load the rules now, so a broken rule folder is reported at start-up rather than on the first reading.
        app.Services.GetRequiredService<RuleCatalog>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CityOps");
        if (string.IsNullOrEmpty(app.Configuration["CityOps:Influx:Url"]))
        {
            LogNoInflux(logger);
        }

        return app;
    }

    /// <summary>
    /// The middleware every request passes, outermost first: security headers, failures as problem+json
    /// without details, rate limits, the audit of writes, API keys and roles.
    /// </summary>
    public static WebApplication UseCityOpsPipeline(this WebApplication app)
    {
        app.UseCityOpsSecurityHeaders();
        app.UseCityOpsConsole();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCityOpsSecurity();
        return app;
    }

    private static Task WriteHealth(HttpContext context, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString().ToLowerInvariant(), detail = e.Value.Description }),
        }, CityOpsJson.Options);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "InfluxDB is not configured (CityOps:Influx:Url): readings are evaluated but telemetry is not stored")]
    private static partial void LogNoInflux(ILogger logger);
}
