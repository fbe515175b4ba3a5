using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using CityOps.Grains;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CityOps.Ingest.Security;

/// <summary>
/// Who may connect to the embedded broker, and what they may do (<c>CityOps:Mqtt:RequireAuth</c>):
/// a device connects with username = its id and password = its secret (checked against the salted
/// hash its grain keeps) and may publish and subscribe only under <c>city/{kind}/{its id}/</c>;
/// service clients from configuration may do anything. Everything refused is counted in
/// <c>cityops_mqtt_refused_total{reason}</c> and logged.
/// </summary>
public sealed partial class BrokerAuthorizer(
    IGrainFactory grains,
    IOptions<MqttOptions> options,
    InternalCredentials internalCredentials,
    TimeProvider time,
    ILogger<BrokerAuthorizer> logger)
{
    private static readonly TimeSpan VerifiedFor = TimeSpan.FromMinutes(10);

    // A device that reconnects within minutes is not made to pay for PBKDF2 again (reconnect storms).
    private readonly ConcurrentDictionary<string, (byte[] PasswordHash, string Kind, DateTimeOffset Until)> _verified = new(StringComparer.Ordinal);

    public bool Enabled => options.Value.RequireAuth;

    public async Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        // MQTT allows a client to connect without an id (mosquitto_pub, many small devices do); the broker assigns one.
        if (string.IsNullOrEmpty(e.ClientId))
        {
            e.AssignedClientIdentifier = "auto-" + Guid.NewGuid().ToString("N");
        }

        if (!Enabled)
        {
            return;
        }

        var identity = await AuthenticateAsync(e.UserName, e.Password).ConfigureAwait(false);
        if (identity is null)
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            IngestMetrics.MqttRefused.WithLabels("bad_credentials").Inc();
            LogRefusedConnection(logger, e.UserName ?? "(none)", e.ClientId ?? "(none)", e.RemoteEndPoint?.ToString() ?? "?");
            return;
        }

        e.SessionItems[ClientIdentity.SessionKey] = identity;
    }

    public Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        if (!Enabled || e.ClientId is null || Allowed(e.SessionItems, e.ApplicationMessage.Topic))
        {
            return Task.CompletedTask;
        }

        e.ProcessPublish = false;
        e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
        IngestMetrics.MqttRefused.WithLabels("publish_not_allowed").Inc();
        LogRefusedPublish(logger, e.UserName ?? e.ClientId, e.ApplicationMessage.Topic);
        return Task.CompletedTask;
    }

    public Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        if (!Enabled || Allowed(e.SessionItems, e.TopicFilter.Topic))
        {
            return Task.CompletedTask;
        }

        e.ProcessSubscription = false;
        e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        IngestMetrics.MqttRefused.WithLabels("subscribe_not_allowed").Inc();
        LogRefusedSubscription(logger, e.UserName ?? e.ClientId ?? "?", e.TopicFilter.Topic);
        return Task.CompletedTask;
    }

    private static bool Allowed(System.Collections.IDictionary sessionItems, string topic) =>
        sessionItems[ClientIdentity.SessionKey] is ClientIdentity identity
        && (identity.IsService || (topic.StartsWith(identity.OwnPrefix!, StringComparison.Ordinal) && !topic.Contains('+') && !HasMultiLevelWildcardOutside(topic, identity.OwnPrefix!)));

    // A device may subscribe to "city/{kind}/{id}/#" but not to a wildcard that reaches beyond it.
    private static bool HasMultiLevelWildcardOutside(string topic, string prefix) => topic.IndexOf('#') is var i && i >= 0 && i < prefix.Length;

    private async Task<ClientIdentity?> AuthenticateAsync(string? username, string? password)
    {
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
        {
            return null;
        }

        if (Same(username, internalCredentials.Username) && Same(password, internalCredentials.Password))
        {
            return new ClientIdentity(username, null);
        }

        foreach (var service in options.Value.ServiceClients)
        {
            if (service.Username.Length > 0 && Same(username, service.Username) && Same(password, service.Password))
            {
                return new ClientIdentity(username, null);
            }
        }

        if (!Parsing.TopicParser.IsValidDeviceId(username))
        {
            return null;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        if (_verified.TryGetValue(username, out var cached) && cached.Until > time.GetUtcNow() && CryptographicOperations.FixedTimeEquals(cached.PasswordHash, presented))
        {
            return new ClientIdentity(username, cached.Kind);
        }

        var grain = grains.GetGrain<IDeviceGrain>(username);
        if (!await grain.VerifySecret(password).ConfigureAwait(false) || await grain.Get().ConfigureAwait(false) is not { } device)
        {
            return null;
        }

        _verified[username] = (presented, device.Kind, time.GetUtcNow() + VerifiedFor);
        return new ClientIdentity(username, device.Kind);
    }

    private static bool Same(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT connection refused: bad credentials for user {User} (client {ClientId}, from {Endpoint})")]
    private static partial void LogRefusedConnection(ILogger logger, string user, string clientId, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT publish refused: {User} may not publish to {Topic}")]
    private static partial void LogRefusedPublish(ILogger logger, string user, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT subscription refused: {User} may not subscribe to {Topic}")]
    private static partial void LogRefusedSubscription(ILogger logger, string user, string topic);
}
