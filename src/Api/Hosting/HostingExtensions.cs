namespace CityOps.Api.Hosting;

public static class HostingExtensions
{
    /// <summary>
    /// The host's own background work and health: waking devices after a restart, the case log on the console,
    /// cases and engine figures to InfluxDB, and the mqtt/storage/telemetry checks behind <c>/healthz</c>.
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
        return builder;
    }
}
