using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using CityOps.Ingest.Edge;
using CityOps.Ingest.Security;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CityOps.Ingest;

/// <summary>
/// The MQTTnet broker a single node runs when no external broker is configured, so that
/// <c>dotnet run --project src/Api</c> is a whole system. It is also the MQTT edge: every accepted
/// publish on <c>city/+/+/telemetry</c> is parsed in-process and written to the ingest channel before
/// the broker answers the publisher, with no loopback client in between (when the channel is full the
/// publisher's connection waits). Most telemetry never reaches MQTTnet's server: its connection takes it
/// (<see cref="GuardedChannelAdapter"/>, through <see cref="ITelemetryTaker"/>); the rest comes through the publish
/// interceptor to the same code. Telemetry is consumed, not forwarded to other subscribers; dead letters
/// and every other topic are brokered as usual.
/// With <c>RequireAuth</c> it admits only registered devices and service clients (<see cref="BrokerAuthorizer"/>);
/// with <c>TlsPort</c> and a certificate it also listens for MQTT over TLS. Its sockets are CityOps' own
/// (<see cref="GuardedTcpServerAdapter"/>: bind address, connection, CONNECT-time and packet-size limits); retained
/// messages are bounded by <see cref="RetainedQuota"/>.
/// </summary>
public sealed partial class EmbeddedBroker(
    IOptions<MqttOptions> options,
    BrokerAuthorizer authorizer,
    MessageIntake intake,
    DeadLetterQueue deadLetters,
    RegisteredKinds registeredKinds,
    TimeProvider time,
    ILogger<EmbeddedBroker> logger) : IHostedService, IMqttEdge, ITelemetryTaker, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly RetainedQuota _retained = new(options.Value.MaxRetainedMessages, options.Value.MaxRetainedBytes);
    private MqttServer? _server;
    private X509Certificate2? _certificate;
    private Task _deadLetterPump = Task.CompletedTask;

    public bool IsConnected => _server?.IsStarted == true;

    public string Status => IsConnected
        ? $"embedded MQTT broker listening on port {options.Value.EmbeddedPort} ({ListenAddresses.Effective(options.Value)})"
        : "embedded MQTT broker not started";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var builder = new MqttServerOptionsBuilder()
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(100_000);
        if (o.TlsPort is not null)
        {
            _certificate = X509CertificateLoader.LoadPkcs12FromFile(
                o.CertificatePath ?? throw new InvalidOperationException("CityOps:Mqtt:TlsPort needs CityOps:Mqtt:CertificatePath (a .pfx with the private key)."),
                o.CertificatePassword);
        }

        var bind = ListenAddresses.Effective(o);
        if (!ListenAddresses.TryResolve(bind, out var addresses, out var error))
        {
            throw new InvalidOperationException($"CityOps:Mqtt:EmbeddedBind: {error}");
        }

        var listeners = new GuardedTcpServerAdapter(o, addresses, _certificate, this, time, logger);
        _server = new MqttServerFactory().CreateMqttServer(builder.Build(), [listeners]);
        _server.ValidatingConnectionAsync += authorizer.ValidateConnectionAsync;
        _server.ClientConnectedAsync += authorizer.OnClientConnectedAsync;
        _server.SessionDeletedAsync += authorizer.OnSessionDeletedAsync;
        _server.InterceptingPublishAsync += OnPublishAsync;
        _server.InterceptingSubscriptionAsync += authorizer.InterceptSubscriptionAsync;
        await _server.StartAsync().ConfigureAwait(false);
        IngestMetrics.Connected.Set(1);
        _deadLetterPump = PublishDeadLettersAsync(_server, _stopping.Token);
        if (logger.IsEnabled(LogLevel.Information))
        {
            var tls = o.TlsPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "off";
            LogStarted(logger, o.EmbeddedPort, bind, tls,
                o.RequireAuth ? "registered devices and service clients only" : "anyone (set CityOps:Mqtt:RequireAuth=true in production)");
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _deadLetterPump.ConfigureAwait(false);
        if (_server is not null)
        {
            await _server.StopAsync().ConfigureAwait(false);
        }

        IngestMetrics.Connected.Set(0);
    }

    public void Dispose()
    {
        _server?.Dispose();
        _certificate?.Dispose();
        _stopping.Dispose();
    }

    private async Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        await authorizer.InterceptPublishAsync(e).ConfigureAwait(false);
        if (!e.ProcessPublish)
        {
            return;
        }

        if (!MessageIntake.IsTelemetry(e.ApplicationMessage.Topic))
        {
            if (e.ApplicationMessage.Retain && !_retained.TryRetain(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.Length))
            {
                e.ProcessPublish = false;
                e.Response.ReasonCode = MqttPubAckReasonCode.QuotaExceeded;
                e.Response.ReasonString = $"retained messages are limited to {options.Value.MaxRetainedMessages} and {options.Value.MaxRetainedBytes} bytes (CityOps:Mqtt:MaxRetainedMessages, MaxRetainedBytes)";
                IngestMetrics.MqttRefused.WithLabels("retained_quota").Inc();
            }

            return;
        }

        // Telemetry is consumed here, not forwarded: the publisher is told Success, and no per-message
        // match against every connected session's subscriptions is paid (that grows with the city).
        e.ProcessPublish = false;
        var answer = await TakeTelemetryAsync(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload).ConfigureAwait(false);
        if (answer.CloseConnection)
        {
            e.CloseConnection = true;
        }
        else if (answer.ReasonCode != MqttPubAckReasonCode.Success)
        {
            e.Response.ReasonCode = answer.ReasonCode;
            e.Response.ReasonString = answer.ReasonString;
        }
    }

    // Most telemetry is taken off its connection before MQTTnet's server sees it (GuardedChannelAdapter); the rest
    // (QoS 2, a topic alias, before the connection is identified) comes through OnPublishAsync. Both end here.
    ValueTask<TelemetryAnswer> ITelemetryTaker.TakeAsync(ClientIdentity identity, MqttPublishPacket publish) =>
        authorizer.MayPublish(identity, identity.Name, publish.Topic)
            ? TakeTelemetryAsync(publish.Topic, publish.Payload)
            : ValueTask.FromResult(new TelemetryAnswer(MqttPubAckReasonCode.NotAuthorized));

    private async ValueTask<TelemetryAnswer> TakeTelemetryAsync(string topic, ReadOnlySequence<byte> payload)
    {
        var parsed = intake.Parse(topic, payload);
        if (parsed.Readings is not { } readings)
        {
            // An MQTT 5 publisher learns at once what was wrong (3.1.1 has no reason codes); either way it is
            // counted and dead-lettered, and a QoS 1 publisher does not send it again.
            return new TelemetryAnswer(parsed.BadTopic ? MqttPubAckReasonCode.TopicNameInvalid : MqttPubAckReasonCode.PayloadFormatInvalid, parsed.Error);
        }

        try
        {
            // The device grain refuses a reading under another kind than the device's registered one; an MQTT 5
            // publisher hears it here (3.1.1 has no reason codes). The reading still goes on, to be counted and
            // dead-lettered where every refusal is.
            var answer = TelemetryAnswer.Taken;
            var reading = readings[0];
            if (await registeredKinds.KindOfAsync(reading.DeviceId).ConfigureAwait(false) is { } kind && kind != reading.Kind)
            {
                answer = new TelemetryAnswer(MqttPubAckReasonCode.NotAuthorized, $"device {reading.DeviceId} is registered as {kind}: publish to city/{kind}/{reading.DeviceId}/telemetry");
            }

            await intake.EnqueueAsync(readings, _stopping.Token).ConfigureAwait(false);
            return answer;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return TelemetryAnswer.Close;
        }
    }

    private async Task PublishDeadLettersAsync(MqttServer server, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var letter in deadLetters.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                var message = new MqttApplicationMessageBuilder()
                    .WithTopic(MqttOptions.DeadLetterTopic)
                    .WithPayload(DeadLetterQueue.Serialize(letter))
                    .WithContentType("application/json")
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce)
                    .Build();
                await server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker listening on port {Port} at {Bind} (TLS: {TlsPort}); admits {Who}; ingests city/+/+/telemetry in-process. Set CityOps:Mqtt:Host to use an external broker")]
    private static partial void LogStarted(ILogger logger, int port, string bind, string tlsPort, string who);
}
