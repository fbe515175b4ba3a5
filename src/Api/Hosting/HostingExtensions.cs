using CityOps.Ingest;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CityOps.Api.Hosting;

public static class HostingExtensions
{
    /// <summary>
    /// The host's own background work and health: waking devices after a restart, the case log on the console,
    /// cases and engine figures to InfluxDB, the mqtt/storage/telemetry checks behind <c>/healthz</c>, and in a cluster on
    /// an external broker the adoption of a dead node's MQTT session.
    /// </summary>
    public static IHostApplicationBuilder AddCityOpsHostedServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<MqttHealthCheck>("mqtt")
            .AddCheck<StorageHealthCheck>("storage")
            .AddCheck<TelemetryHealthCheck>("telemetry");
        builder.Services.AddHostedService<DeviceWaker>();
        builder.Services.AddHostedService<CaseConsoleReporter>();
        builder.Services.AddHostedService<CaseTelemetryWriter>();
        builder.Services.AddHostedService<EngineTelemetryReporter>();
        if (!string.IsNullOrEmpty(builder.Configuration["CityOps:Cluster:PostgresConnection"]) && !string.IsNullOrEmpty(builder.Configuration["CityOps:Mqtt:Host"]))
        {
            // A node's silo name is its MQTT client id, so the others know which broker session it leaves behind when it dies.
            builder.Services.AddOptions<SiloOptions>().Configure<IOptions<MqttOptions>>((silo, mqtt) => silo.SiloName = mqtt.Value.EffectiveClientId);
            builder.Services.AddSingleton<SessionAdopter>();
            builder.Services.AddHostedService<DeadNodeSessions>();
        }

        return builder;
    }
}
