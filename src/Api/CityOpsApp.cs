using System.Text.Json;
using CityOps.Api.Demo;
using CityOps.Api.Dispatch;
using CityOps.Api.Endpoints;
using CityOps.Api.Hosting;
using CityOps.Api.OperatorConsole;
using CityOps.Api.Security;
using CityOps.Grains.Hosting;
using CityOps.Ingest;
using CityOps.Ingest.Influx;
using CityOps.Rules;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
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

        builder.AddCityOpsApi();
        builder.AddCityOpsSecurity();
        builder.AddCityOpsGrains();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<KindCatalog>().ToIngestKinds());
        builder.AddCityOpsIngest();
        builder.AddCityOpsDispatch();
        builder.AddCityOpsHostedServices();
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
        // .NET meters (Orleans, Kestrel, HttpClient) reach /metrics through prometheus-net's adapter, which pays a lookup and a
        // lease per measurement, and Orleans records several per grain call (~8 % of the ingest path's thread time): only the
        // observable instruments, read when /metrics is scraped, are kept, and not Orleans' own: they walk the silo's
        // activations and directory cache on every scrape (17.8 ms of CPU a scrape at 10,000 devices, growing with them).
        // Must precede the first scrape.
        Metrics.ConfigureMeterAdapter(o => o.InstrumentFilterPredicate = instrument =>
            instrument.IsObservable && !instrument.Meter.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
        app.MapMetrics("/metrics");
        app.MapDeviceEndpoints();
        app.MapDeviceTelemetry();
        app.MapKindEndpoints();
        app.MapZoneEndpoints();
        app.MapRuleEndpoints();
        app.MapCaseEndpoints();
        app.MapAlarmEndpoints();
        app.MapIncidentEndpoints();
        app.MapSilenceEndpoints();
        app.MapKpiEndpoints();
        app.MapReportEndpoints();
        app.MapOpen311Endpoints();
        app.MapRoutingEndpoints();
        app.MapAuditEndpoints();
        app.MapSessionEndpoints();

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CityOps");
        if (string.IsNullOrEmpty(app.Services.GetRequiredService<IOptions<InfluxOptions>>().Value.Url))
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
