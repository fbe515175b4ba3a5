using CityOps.Grains.Configuration;
using CityOps.Grains.Dispatch;

namespace CityOps.Api.Dispatch;

public static class DispatchHosting
{
    /// <summary>The webhook to the dispatch system (派遣系统): its HTTP client and the dispatchers draining the case and alarm outboxes.</summary>
    public static IHostApplicationBuilder AddCityOpsDispatch(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<DispatchOptions>(DispatchOptions.Section, DispatchOptions.Check);

        // No client timeout: each attempt has its own (DispatchOptions.Timeout) inside the retry pipeline.
        builder.Services.AddHttpClient(WebhookDispatcher.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        builder.Services.AddHostedService<WebhookDispatcher>();

        // Alarm events go to the same webhook from their own outbox (in order per alarm), by a second dispatcher; added as
        // a plain IHostedService because AddHostedService keeps one registration per implementation type.
        builder.Services.AddSingleton<IHostedService>(sp =>
            ActivatorUtilities.CreateInstance<WebhookDispatcher>(sp, sp.GetRequiredService<DbAlarmStore>().Outbox));
        return builder;
    }
}
