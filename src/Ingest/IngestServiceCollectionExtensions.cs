using CityOps.Ingest.Edge;
using CityOps.Ingest.Influx;
using CityOps.Ingest.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityOps.Ingest;

/// <summary>The single wiring point of the ingest part.</summary>
public static class IngestServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddCityOpsIngest(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MqttOptions>()
            .BindConfiguration("CityOps:Mqtt")
            .Validate(o => o.ChannelCapacity > 0 && o.BatchSize > 0, "CityOps:Mqtt:ChannelCapacity and BatchSize must be positive.")
            .Validate(o => o.Kinds.Count > 0, "CityOps:Mqtt:Kinds must name at least one device kind.")
            .Validate(o => o.TlsPort is null || !string.IsNullOrEmpty(o.CertificatePath), "CityOps:Mqtt:TlsPort needs CityOps:Mqtt:CertificatePath (a .pfx with the private key).")
            .Validate(o => o.ServiceClients.All(c => c.Username.Length > 0 && c.Password.Length >= 12), "CityOps:Mqtt:ServiceClients need a username and a password of at least 12 characters.")
            .Validate(o => ListenAddresses.TryResolve(ListenAddresses.Effective(o), out _, out _), "CityOps:Mqtt:EmbeddedBind must be loopback, any, or IP addresses separated by commas.")
            .Validate(o => o.MaxConnections > 0 && o.MaxPendingConnections > 0, "CityOps:Mqtt:MaxConnections and MaxPendingConnections must be positive.")
            .Validate(o => o.ConnectTimeout > TimeSpan.Zero && o.ConnectTimeout <= TimeSpan.FromMinutes(5), "CityOps:Mqtt:ConnectTimeout must be more than 0 and at most 5 minutes (e.g. 00:00:10).")
            .Validate(o => o.MaxPacketSize >= 1024, "CityOps:Mqtt:MaxPacketSize must be at least 1024 bytes (default 73728: the 64 KiB payload of the contract plus headers).")
            .Validate(o => o.MaxRetainedMessages >= 0 && o.MaxRetainedBytes >= 0, "CityOps:Mqtt:MaxRetainedMessages and MaxRetainedBytes must not be negative (0 retains nothing).")
            .Validate(o => o.MaxConcurrentPasswordChecks > 0 && o.MaxQueuedPasswordChecks >= 0, "CityOps:Mqtt:MaxConcurrentPasswordChecks must be positive and MaxQueuedPasswordChecks not negative.")
            .Validate(o => o.FreeLoginFailures >= 0 && o.LoginBackoff >= TimeSpan.Zero && o.MaxLoginBackoff >= o.LoginBackoff, "CityOps:Mqtt:FreeLoginFailures and LoginBackoff must not be negative, and MaxLoginBackoff must be at least LoginBackoff.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new IngestChannel(sp.GetRequiredService<IOptions<MqttOptions>>().Value.ChannelCapacity));
        builder.Services.AddSingleton<DeadLetterQueue>();
        builder.Services.AddSingleton<InternalCredentials>();
        builder.Services.AddSingleton<BrokerAuthorizer>();
        builder.Services.AddSingleton<MessageIntake>();
        builder.AddCityOpsTelemetry();
        if (string.IsNullOrEmpty(builder.Configuration["CityOps:Mqtt:Host"]))
        {
            // The embedded broker is the edge itself: readings are taken in-process.
            builder.Services.AddSingleton<RegisteredKinds>();
            builder.Services.AddSingleton<EmbeddedBroker>();
            builder.Services.AddSingleton<IMqttEdge>(sp => sp.GetRequiredService<EmbeddedBroker>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
        }
        else
        {
            builder.Services.AddSingleton<MqttIngestService>();
            builder.Services.AddSingleton<IMqttEdge>(sp => sp.GetRequiredService<MqttIngestService>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<MqttIngestService>());
        }

        builder.Services.AddHostedService<ReadingDispatcher>();
        return builder;
    }

    /// <summary>The InfluxDB writer when <c>CityOps:Influx:Url</c> is set; otherwise readings are judged, not stored.</summary>
    public static IHostApplicationBuilder AddCityOpsTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InfluxOptions>()
            .BindConfiguration("CityOps:Influx")
            .Validate(o => o.Url is null || Uri.TryCreate(o.Url, UriKind.Absolute, out _), "CityOps:Influx:Url must be an absolute URL, e.g. http://127.0.0.1:8086.")
            .Validate(o => o.BatchSize > 0 && o.MaxPendingPoints > 0, "CityOps:Influx:BatchSize and MaxPendingPoints must be positive.")
            .Validate(o => o.QueryLanguage is InfluxOptions.Flux or InfluxOptions.InfluxQl, "CityOps:Influx:QueryLanguage must be flux (InfluxDB 2.x) or influxql (InfluxDB 3.x).")
            .ValidateOnStart();
        if (string.IsNullOrEmpty(builder.Configuration["CityOps:Influx:Url"]))
        {
            builder.Services.AddSingleton<ITelemetryWriter>(NoTelemetryWriter.Instance);
            return builder;
        }

        var spill = Path.Combine(Path.GetFullPath(builder.Configuration["CityOps:DataDir"] ?? "./data"), "influx-spill");
        builder.Services.AddSingleton(sp => new InfluxWriter(
            sp.GetRequiredService<IOptions<InfluxOptions>>().Value, spill, sp.GetRequiredService<ILogger<InfluxWriter>>()));
        builder.Services.AddSingleton<ITelemetryWriter>(sp => sp.GetRequiredService<InfluxWriter>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<InfluxWriter>());
        return builder;
    }
}
