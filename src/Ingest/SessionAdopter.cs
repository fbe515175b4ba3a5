using MQTTnet;
using MQTTnet.Formatter;
using CityOps.Ingest.Security;

namespace CityOps.Ingest;

/// <summary>
/// Drains and ends the persistent session a dead cluster node left at the external broker. A broker such as
/// mosquitto keeps choosing a disconnected member of a shared subscription and queues its share for it; nothing
/// reaches the living nodes until that session resumes or expires. The adopter resumes it under the dead node's
/// client id, judges what the broker held through the normal path (parse, channel, device grain, acknowledgement
/// once accepted), unsubscribes once that backlog is judged (new readings go to the living members), and when nothing
/// is left in flight and nothing arrived for <see cref="QuietPeriod"/>, disconnects with a session expiry of zero,
/// which ends the session.
/// </summary>
public sealed partial class SessionAdopter(MessageIntake intake, IOptions<MqttOptions> options, InternalCredentials credentials, TimeProvider time, ILogger<SessionAdopter> logger)
{
    /// <summary>How long the adopted session must stay quiet, with every message acknowledged, before it is ended.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(2);

    /// <summary>How long the broker is given to start sending what it held after the session resumed.</summary>
    private static readonly TimeSpan BacklogStart = TimeSpan.FromMilliseconds(500);

    /// <summary>Adopts <paramref name="clientId"/>'s session; returns how many messages it held (0 when the broker had no session).</summary>
    public async Task<int> AdoptAsync(string clientId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var client = new MqttClientFactory().CreateMqttClient();
        var received = 0;
        var inFlight = 0;
        var lastArrival = time.GetTimestamp();
        client.ApplicationMessageReceivedAsync += e =>
        {
            Interlocked.Increment(ref received);
            Interlocked.Increment(ref inFlight);
            Volatile.Write(ref lastArrival, time.GetTimestamp());
            return intake.ReceiveAsync(e, cancellationToken, () => Interlocked.Decrement(ref inFlight));
        };

        var connect = BrokerConnection.For(settings, credentials)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)settings.SessionExpiry.TotalSeconds)
            .WithReceiveMaximum(settings.ReceiveMaximum)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        var result = await client.ConnectAsync(connect, cancellationToken).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"broker refused the connection as {clientId}: {result.ResultCode} {result.ReasonString}");
        }

        if (result.IsSessionPresent)
        {
            LogAdopting(logger, clientId);
            // Stay subscribed until the backlog is judged (nothing in flight: new readings of the dead node's share
            // arrive slower than they are judged), so each device's held and new readings keep their order here. Then
            // unsubscribe: what is still queued is delivered all the same, new readings go to the living members.
            await Task.Delay(BacklogStart, time, cancellationToken).ConfigureAwait(false);
            while (client.IsConnected && Volatile.Read(ref inFlight) > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), time, cancellationToken).ConfigureAwait(false);
            }

            await client.UnsubscribeAsync(settings.TelemetryFilter, cancellationToken).ConfigureAwait(false);
            while (client.IsConnected
                && (Volatile.Read(ref inFlight) > 0 || time.GetElapsedTime(Volatile.Read(ref lastArrival)) < QuietPeriod))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ConfigureAwait(false);
            }

            if (!client.IsConnected)
            {
                // Its node came back and resumed the session itself; what was not acknowledged here is redelivered there.
                LogTakenBack(logger, clientId, received);
                return received;
            }
        }

        await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithSessionExpiryInterval(0).Build(), cancellationToken).ConfigureAwait(false);
        LogEnded(logger, clientId, received);
        return received;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Adopting the MQTT session of dead node {ClientId}: judging what the broker held for it")]
    private static partial void LogAdopting(ILogger logger, string clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT session {ClientId} ended after {Count} held messages were judged")]
    private static partial void LogEnded(ILogger logger, string clientId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT session {ClientId} was resumed by its own node after {Count} messages here")]
    private static partial void LogTakenBack(ILogger logger, string clientId, int count);
}
