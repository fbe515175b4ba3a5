using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
        if (string.IsNullOrEmpty(builder.Configuration["CityOps:Mqtt:Host"]))
        {
            builder.Services.AddHostedService<EmbeddedBroker>();
        }

        builder.Services.AddSingleton<MqttIngestService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MqttIngestService>());
        builder.Services.AddHostedService<ReadingDispatcher>();
        return builder;
    }
}
