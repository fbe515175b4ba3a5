using CityOps.Ingest.Influx;
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
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new IngestChannel(sp.GetRequiredService<IOptions<MqttOptions>>().Value.ChannelCapacity));
        builder.Services.AddSingleton<DeadLetterQueue>();
        builder.AddCityOpsTelemetry();
        if (string.IsNullOrEmpty(builder.Configuration["CityOps:Mqtt:Host"]))
        {
            builder.Services.AddHostedService<EmbeddedBroker>();
        }

        builder.Services.AddSingleton<MqttIngestService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MqttIngestService>());
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
