using CityOps.Api.Endpoints;
using CityOps.Grains.Zones;
using CityOps.Ingest;
using CityOps.Rules;
using CityOps.Ingest.Security;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Api.Demo;

/// <summary>
/// The demo city: once CityOps is up, loads the sample zones and devices (exactly as
/// <c>PUT /api/v1/zones</c> and <c>POST /api/v1/devices/import</c> would), then publishes the
/// scenario's readings every second through MQTT like real devices, so every reading takes the
/// same path as in production. Its seconds are CityOps' clock's (<see cref="DemoOptions.Speed"/> times real ones).
/// </summary>
public sealed partial class DemoCity(
    IHostApplicationLifetime lifetime,
    IGrainFactory grains,
    ZoneMap zones,
    IOptions<MqttOptions> mqtt,
    KindCatalog kinds,
    InternalCredentials internalCredentials,
    IOptions<DemoOptions> options,
    [FromKeyedServices(CityOpsTime.Key)] TimeProvider time,
    ILogger<DemoCity> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(started.SetResult))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task.ConfigureAwait(false);
        }

        CityModel model;
        try
        {
            model = await LoadAsync(options.Value.ResolveSamples(), stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            LogLoadFailed(logger, e.Message);
            return;
        }

        try
        {
            await RunAsync(model, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<CityModel> LoadAsync(string folder, CancellationToken cancellationToken)
    {
        var problems = await zones.ReplaceAsync(await File.ReadAllTextAsync(Path.Combine(folder, "zones.geojson"), cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"zones.geojson: {string.Join("; ", problems)}");
        }

        var errors = new Dictionary<string, string[]>();
        var devices = DeviceImport.Validate(await File.ReadAllTextAsync(Path.Combine(folder, "devices.csv"), cancellationToken).ConfigureAwait(false),
            isJson: false, kinds.Kinds, errors);
        if (errors.Count == 0)
        {
            await DeviceImport.CheckParentsAsync(devices, grains, errors).ConfigureAwait(false);
        }

        if (errors.Count > 0)
        {
            throw new InvalidDataException($"devices.csv: {string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"))}");
        }

        await DeviceImport.RegisterAsync(grains, devices, cancellationToken).ConfigureAwait(false);
        var scenario = Scenario.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "scenario.json"), cancellationToken).ConfigureAwait(false));
        LogLoaded(logger, folder, zones.Current.GridCount, zones.Current.Geofences.Count, devices.Count);
        return new CityModel(scenario, devices.Select(d => new DemoDevice(d.Id, d.Registration.Kind, d.Registration.Lat ?? 0, d.Registration.Lon ?? 0, d.Registration.Attributes)));
    }

    private async Task RunAsync(CityModel model, CancellationToken stoppingToken)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var o = mqtt.Value;
        var connect = BrokerConnection.For(o, internalCredentials).WithClientId($"cityops-demo-{Environment.ProcessId}");

        var startedAt = time.GetTimestamp();
        long next = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        do
        {
            if (!client.IsConnected)
            {
                if (!await TryConnectAsync(client, connect.Build(), stoppingToken).ConfigureAwait(false))
                {
                    continue;
                }

                if (logger.IsEnabled(LogLevel.Information))
                {
                    var broker = BrokerConnection.Endpoint(o);
                    LogPublishing(logger, model.DeviceCount, broker);
                }
            }

            try
            {
                // Catch up on every whole second that passed, so a slow tick skips no device's report.
                for (var now = (long)time.GetElapsedTime(startedAt).TotalSeconds; next <= now && client.IsConnected; next++)
                {
                    foreach (var reading in model.Tick(next, time.GetUtcNow()))
                    {
                        var message = new MqttApplicationMessageBuilder()
                            .WithTopic(reading.Topic)
                            .WithPayload(reading.ToPayload())
                            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                            .Build();
                        await client.PublishAsync(message, stoppingToken).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException && !stoppingToken.IsCancellationRequested)
            {
                // The broker went away or someone took the session over: the simulator reconnects on the next tick;
                // it never takes the host down with it.
                LogConnectionLost(logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task<bool> TryConnectAsync(IMqttClient client, MqttClientOptions connect, CancellationToken cancellationToken)
    {
        try
        {
            await client.ConnectAsync(connect, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
        {
            LogConnectFailed(logger, e.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo city loaded from {Folder}: {Grids} grids, {Geofences} geofences, {Devices} devices")]
    private static partial void LogLoaded(ILogger logger, string folder, int grids, int geofences, int devices);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo simulator publishing the readings of {Devices} devices to {Broker}")]
    private static partial void LogPublishing(ILogger logger, int devices, string broker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo simulator lost the broker, reconnecting: {Reason}")]
    private static partial void LogConnectionLost(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo simulator cannot reach the broker, retrying: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The demo city could not be loaded: {Reason}")]
    private static partial void LogLoadFailed(ILogger logger, string reason);
}
