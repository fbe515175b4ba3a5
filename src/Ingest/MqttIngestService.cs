using System.Security.Cryptography;
using CityOps.Ingest.Security;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Ingest;

/// <summary>
/// The MQTT edge on an external broker: one client subscribed to <c>city/+/+/telemetry</c> (with
/// <c>SharedGroup</c>, a share of it). What the broker delivers is taken as its connection reads it
/// (<see cref="TelemetryClientAdapter"/>): parsed, written to the bounded channel, and its QoS 1 acknowledgement left to the
/// dispatcher, which sends it only once the device grain accepted the reading; a publish MQTTnet's client still gets (QoS 2)
/// comes through its handler to the same intake. The session is persistent, so what was not acknowledged is redelivered after a
/// crash or a reconnect. Reconnects with capped, jittered backoff and resubscribes.
/// </summary>
public sealed partial class MqttIngestService(
    MessageIntake intake, DeadLetterQueue deadLetters, IOptions<MqttOptions> options, InternalCredentials internalCredentials, TimeProvider time,
    ILogger<MqttIngestService> logger) : BackgroundService, IMqttEdge
{
    private readonly MqttOptions _options = options.Value;
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient(new TelemetryClientAdapter.Factory(intake));
    private readonly ReadAheadBrokerSocket _socket = new();
    private CancellationToken _stopping;

    /// <summary>True while connected and subscribed.</summary>
    public bool IsConnected => _client.IsConnected;

    public string Status => IsConnected
        ? $"MQTT connected to {Endpoint}"
        : $"MQTT not connected to {Endpoint}; readings are waiting at the broker";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        var deadLetterPump = PublishDeadLettersAsync(stoppingToken);
        var delay = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!_client.IsConnected)
            {
                IngestMetrics.Connected.Set(0);
                try
                {
                    await ConnectAsync(stoppingToken).ConfigureAwait(false);
                    IngestMetrics.Connected.Set(1);
                    delay = TimeSpan.FromMilliseconds(500);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    var jittered = delay * (0.5 + RandomNumberGenerator.GetInt32(1000) / 1000.0);
                    LogConnectFailed(logger, Endpoint, jittered.TotalSeconds, ex.Message);
                    await DelayAsync(jittered, stoppingToken).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
                    continue;
                }
            }

            await DelayAsync(TimeSpan.FromMilliseconds(250), stoppingToken).ConfigureAwait(false);
        }

        await deadLetterPump.ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_client.IsConnected)
        {
            // Keep the session: messages published while we are down wait at the broker.
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithSessionExpiryInterval((uint)_options.SessionExpiry.TotalSeconds).Build(), cancellationToken).ConfigureAwait(false);
        }
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    private string Endpoint => BrokerConnection.Endpoint(_options);

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var builder = BrokerConnection.For(_options, internalCredentials)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(_options.EffectiveClientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)_options.SessionExpiry.TotalSeconds)
            .WithReceiveMaximum(_options.ReceiveMaximum)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithStreamProvider(_socket);

        var result = await _client.ConnectAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"broker refused the connection: {result.ResultCode} {result.ReasonString}");
        }

        // Resubscribe on every connect: a broker that lost our session (restart without persistence) needs it.
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(_options.TelemetryFilter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                // A retained reading was judged when it was published (the persistent session had it queued if we were
                // away); resubscribing after a reconnect must not replay it to be judged again.
                .WithRetainHandling(MqttRetainHandling.SendAtSubscribeIfNewSubscriptionOnly))
            .Build();
        var subscribed = await _client.SubscribeAsync(subscribe, cancellationToken).ConfigureAwait(false);
        foreach (var item in subscribed.Items)
        {
            if (item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2)
            {
                throw new InvalidOperationException($"broker refused the subscription to {_options.TelemetryFilter}: {item.ResultCode}");
            }
        }

        LogConnected(logger, Endpoint, _options.TelemetryFilter, result.IsSessionPresent);
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e) => intake.ReceiveAsync(e, _stopping);

    private async Task PublishDeadLettersAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var letter in deadLetters.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    if (_client.IsConnected)
                    {
                        await _client.PublishAsync(new MqttApplicationMessageBuilder()
                            .WithTopic(MqttOptions.DeadLetterTopic)
                            .WithPayload(DeadLetterQueue.Serialize(letter))
                            .WithContentType("application/json")
                            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce)
                            .Build(), cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogDeadLetterFailed(logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT connected to {Endpoint}, subscribed to {Filter} (session present: {SessionPresent})")]
    private static partial void LogConnected(ILogger logger, string endpoint, string filter, bool sessionPresent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT broker {Endpoint} not reachable, retrying in {Seconds:0.0} s: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string endpoint, double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish a dead letter: {Reason}")]
    private static partial void LogDeadLetterFailed(ILogger logger, string reason);
}
