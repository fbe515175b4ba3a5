using CityOps.Grains;
using CityOps.Grains.Configuration;
using CityOps.Ingest.Edge;
using CityOps.Ingest.Influx;
using CityOps.Ingest.Security;
using CityOps.Ingest.Parsing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CityOps.Ingest;

/// <summary>The single wiring point of the ingest part.</summary>
public static class IngestServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddCityOpsIngest(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<MqttOptions>(MqttOptionsChecks.Section, MqttOptionsChecks.Check);
        builder.Services.AddSingleton(sp => new IngestChannel(sp.GetRequiredService<IOptions<MqttOptions>>().Value.ChannelCapacity));
        builder.Services.AddSingleton<DeadLetterQueue>();
        builder.Services.TryAddSingleton(IngestKinds.Default); // the host maps its kind catalog first
        builder.Services.TryAddSingleton<ILocalDevices>(NoLocalDevices.Instance); // the silo adds its own first, when it runs here

        builder.Services.AddSingleton<InternalCredentials>();
        builder.Services.AddSingleton<BrokerAuthorizer>();
        builder.Services.AddSingleton<MessageIntake>();
        builder.Services.AddSingleton<RegisteredKinds>();
        builder.AddCityOpsTelemetry();
        if (string.IsNullOrEmpty(builder.Configuration["CityOps:Mqtt:Host"]))
        {
            // The embedded broker is the edge itself: readings are taken in-process.
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
        builder.AddValidatedOptions<InfluxOptions>(InfluxOptionsChecks.Section, InfluxOptionsChecks.Check);
        builder.AddValidatedOptions<DataOptions>(DataOptions.Section, DataOptions.Check);
        if (string.IsNullOrEmpty(builder.Configuration["CityOps:Influx:Url"]))
        {
            builder.Services.AddSingleton<ITelemetryWriter>(NoTelemetryWriter.Instance);
            return builder;
        }

        builder.Services.AddSingleton(sp => new InfluxWriter(
            sp.GetRequiredService<IOptions<InfluxOptions>>().Value,
            Path.Combine(sp.GetRequiredService<IOptions<DataOptions>>().Value.FullPath, "influx-spill"),
            sp.GetRequiredService<ILogger<InfluxWriter>>()));
        builder.Services.AddSingleton<ITelemetryWriter>(sp => sp.GetRequiredService<InfluxWriter>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<InfluxWriter>());
        return builder;
    }
}
