using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using CityOps.Grains;
using CityOps.Ingest.Edge;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CityOps.Ingest.Security;

/// <summary>
/// Who may connect to the embedded broker, and what they may do (<c>CityOps:Mqtt:RequireAuth</c>):
/// a device connects with username = its id and password = its secret (checked against the salted
/// hash its grain keeps) and may publish and subscribe only under <c>city/{kind}/{its id}/</c>;
/// service clients from configuration may do anything. Permissions are those of the credentials of each
/// connection, and a client id is served only to the identity that holds its session (<see cref="ClientIdOwners"/>),
/// on an open broker too (there everyone but CityOps' own clients is one anonymous identity).
/// Password checks wait in a short line (<c>MaxConcurrentPasswordChecks</c>) behind a per-identity and per-address
/// backoff (<see cref="LoginThrottle"/>). Everything refused is counted in <c>cityops_mqtt_refused_total{reason}</c> and logged.
/// </summary>
public sealed partial class BrokerAuthorizer(
    IGrainFactory grains,
    IOptions<MqttOptions> options,
    InternalCredentials internalCredentials,
    TimeProvider time,
    ILogger<BrokerAuthorizer> logger) : IDisposable
{
    private static readonly TimeSpan VerifiedFor = TimeSpan.FromMinutes(10);
    private static readonly ClientIdentity Anonymous = new("anonymous", null);
    private static readonly TimeSpan RefusalLogWindow = TimeSpan.FromSeconds(10);
    private const int RefusalLinesPerWindow = 10;

    // A device that reconnects within minutes is not made to pay for PBKDF2 again (reconnect storms), and is not
    // held back by a backoff that someone guessing its password caused.
    private readonly ConcurrentDictionary<string, (byte[] PasswordHash, string Kind, DateTimeOffset Until)> _verified = new(StringComparer.Ordinal);
    private readonly ClientIdOwners _owners = new();
    private readonly LoginThrottle _throttle = new(options.Value, time);
    private readonly SemaphoreSlim _passwordChecks = new(options.Value.MaxConcurrentPasswordChecks);

    // Every refusal is counted in cityops_mqtt_refused_total; the log gets a sample (guessers refused by the backoff
    // come by the hundred a second, and writing each one cost the judged readings' latency under attack).
    private readonly LogBudget _refusalLog = new(RefusalLinesPerWindow, RefusalLogWindow, time);
    private readonly RefusalDelay _refusalDelay = new(options.Value.LoginRefusalDelay, options.Value.MaxDelayedRefusals, time);
    private int _waitingChecks;

    public bool Enabled => options.Value.RequireAuth;

    public void Dispose() => _passwordChecks.Dispose();

    public async Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        // MQTT allows a client to connect without an id (mosquitto_pub, many small devices do); the broker assigns one.
        // MQTT 3.1.1 clients got theirs from GuardedChannelAdapter already; MQTTnet uses this one for MQTT 5 (and sends it
        // in the CONNACK, which MQTT 5 allows only to a client that sent no id).
        var clientId = e.ClientId;
        if (string.IsNullOrEmpty(clientId))
        {
            clientId = e.AssignedClientIdentifier = GuardedChannelAdapter.NewClientId();
        }

        ClientIdentity identity;
        if (!Enabled)
        {
            identity = IsInternal(e.UserName, e.Password) ? new ClientIdentity(internalCredentials.Username, null) : Anonymous;
        }
        else
        {
            var (authenticated, refusal) = await AuthenticateAsync(e.UserName, e.Password, e.RemoteEndPoint).ConfigureAwait(false);
            if (authenticated is null)
            {
                e.ReasonCode = refusal == "password_check_busy" ? MqttConnectReasonCode.ServerBusy : MqttConnectReasonCode.BadUserNameOrPassword;
                IngestMetrics.MqttRefused.WithLabels(refusal).Inc();
                if (_refusalLog.TryTake(out var unlogged))
                {
                    LogRefusedConnection(logger, e.UserName ?? "(none)", e.ClientId ?? "(none)", e.RemoteEndPoint?.ToString() ?? "?", refusal, unlogged);
                }

                await _refusalDelay.WaitAsync().ConfigureAwait(false);
                return;
            }

            identity = authenticated;
        }

        if (!_owners.TryClaim(clientId, identity))
        {
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            e.ReasonString = "this client id belongs to another identity's session";
            IngestMetrics.MqttRefused.WithLabels("client_id_taken").Inc();
            if (_refusalLog.TryTake(out var unlogged))
            {
                LogRefusedTakeover(logger, identity.Name, clientId, e.RemoteEndPoint?.ToString() ?? "?", unlogged);
            }

            return;
        }

        e.SessionItems[ClientIdentity.SessionKey] = identity;
        (e.ChannelAdapter as GuardedChannelAdapter)?.Identify(identity);
    }

    /// <summary>
    /// A client that resumes a session gets that session's items: its identity is replaced by the one this connection
    /// authenticated as, so permissions never come from a session found by id.
    /// </summary>
    public Task OnClientConnectedAsync(ClientConnectedEventArgs e)
    {
        if (_owners.OwnerOf(e.ClientId) is { } identity)
        {
            e.SessionItems[ClientIdentity.SessionKey] = identity;
        }

        return Task.CompletedTask;
    }

    public Task OnSessionDeletedAsync(SessionDeletedEventArgs e)
    {
        _owners.Release(e.Id);
        return Task.CompletedTask;
    }

    public Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        if (e.ClientId is null || MayPublish(e.SessionItems[ClientIdentity.SessionKey] as ClientIdentity, e.UserName ?? e.ClientId, e.ApplicationMessage.Topic))
        {
            return Task.CompletedTask;
        }

        e.ProcessPublish = false;
        e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
        return Task.CompletedTask;
    }

    /// <summary>Whether this identity may publish on the topic; a refusal is counted and logged (<paramref name="who"/>: its user name or client id).</summary>
    public bool MayPublish(ClientIdentity? identity, string who, string topic)
    {
        if (!Enabled || Allowed(identity, topic))
        {
            return true;
        }

        IngestMetrics.MqttRefused.WithLabels("publish_not_allowed").Inc();
        if (_refusalLog.TryTake(out var unlogged))
        {
            LogRefusedPublish(logger, who, topic, unlogged);
        }

        return false;
    }

    public Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        if (!Enabled || Allowed(e.SessionItems[ClientIdentity.SessionKey] as ClientIdentity, e.TopicFilter.Topic))
        {
            return Task.CompletedTask;
        }

        e.ProcessSubscription = false;
        e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        IngestMetrics.MqttRefused.WithLabels("subscribe_not_allowed").Inc();
        if (_refusalLog.TryTake(out var unlogged))
        {
            LogRefusedSubscription(logger, e.UserName ?? e.ClientId ?? "?", e.TopicFilter.Topic, unlogged);
        }

        return Task.CompletedTask;
    }

    private static bool Allowed(ClientIdentity? identity, string topic) =>
        identity is not null
        && (identity.IsService || (topic.StartsWith(identity.OwnPrefix!, StringComparison.Ordinal) && !topic.Contains('+') && !HasMultiLevelWildcardOutside(topic, identity.OwnPrefix!)));

    // A device may subscribe to "city/{kind}/{id}/#" but not to a wildcard that reaches beyond it.
    private static bool HasMultiLevelWildcardOutside(string topic, string prefix) => topic.IndexOf('#') is var i && i >= 0 && i < prefix.Length;

    private bool IsInternal(string? username, string? password) =>
        !string.IsNullOrEmpty(username) && password is not null && Same(username, internalCredentials.Username) && Same(password, internalCredentials.Password);

    private async Task<(ClientIdentity? Identity, string Refusal)> AuthenticateAsync(string? username, string? password, EndPoint? remote)
    {
        const string bad = "bad_credentials";
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
        {
            return (null, bad);
        }

        if (IsInternal(username, password))
        {
            return (new ClientIdentity(username, null), "");
        }

        var userKey = "user:" + username;
        var addressKey = "address:" + ((remote as IPEndPoint)?.Address.ToString() ?? "?");
        foreach (var service in options.Value.ServiceClients)
        {
            if (service.Username.Length > 0 && Same(username, service.Username))
            {
                if (_throttle.Wait(userKey) > TimeSpan.Zero || _throttle.Wait(addressKey) > TimeSpan.Zero)
                {
                    return (null, "login_backoff");
                }

                if (Same(password, service.Password))
                {
                    _throttle.Succeeded(userKey);
                    return (new ClientIdentity(username, null), "");
                }

                Failed(userKey, addressKey);
                return (null, bad);
            }
        }

        if (!Parsing.TopicParser.IsValidDeviceId(username))
        {
            return (null, bad);
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        if (_verified.TryGetValue(username, out var cached) && cached.Until > time.GetUtcNow() && CryptographicOperations.FixedTimeEquals(cached.PasswordHash, presented))
        {
            return (new ClientIdentity(username, cached.Kind), "");
        }

        if (_throttle.Wait(userKey) > TimeSpan.Zero || _throttle.Wait(addressKey) > TimeSpan.Zero)
        {
            return (null, "login_backoff");
        }

        // PBKDF2 is meant to be slow: never more than MaxConcurrentPasswordChecks at once, so guessers cannot take
        // the cores that judge readings, and a long line is refused rather than waited on.
        if (Interlocked.Increment(ref _waitingChecks) > options.Value.MaxQueuedPasswordChecks + options.Value.MaxConcurrentPasswordChecks)
        {
            Interlocked.Decrement(ref _waitingChecks);
            return (null, "password_check_busy");
        }

        DeviceSnapshot? device = null;
        bool verified;
        await _passwordChecks.WaitAsync().ConfigureAwait(false);
        try
        {
            var grain = grains.GetGrain<IDeviceGrain>(username);
            verified = await grain.VerifySecret(password).ConfigureAwait(false) && (device = await grain.Get().ConfigureAwait(false)) is not null;
        }
        finally
        {
            _passwordChecks.Release();
            Interlocked.Decrement(ref _waitingChecks);
        }

        if (!verified || device is null)
        {
            Failed(userKey, addressKey);
            return (null, bad);
        }

        _throttle.Succeeded(userKey);
        _verified[username] = (presented, device.Kind, time.GetUtcNow() + VerifiedFor);
        return (new ClientIdentity(username, device.Kind), "");
    }

    private void Failed(string userKey, string addressKey)
    {
        _throttle.Failed(userKey, options.Value.FreeLoginFailures);
        _throttle.Failed(addressKey, options.Value.FreeLoginFailures * LoginThrottle.AddressShare);
    }

    private static bool Same(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT connection refused ({Reason}) for user {User} (client {ClientId}, from {Endpoint}); {Unlogged} refusals before it not logged")]
    private static partial void LogRefusedConnection(ILogger logger, string user, string clientId, string endpoint, string reason, long unlogged);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT connection refused: {User} may not use client id {ClientId}, whose session belongs to another identity (from {Endpoint}); {Unlogged} refusals before it not logged")]
    private static partial void LogRefusedTakeover(ILogger logger, string user, string clientId, string endpoint, long unlogged);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT publish refused: {User} may not publish to {Topic}; {Unlogged} refusals before it not logged")]
    private static partial void LogRefusedPublish(ILogger logger, string user, string topic, long unlogged);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT subscription refused: {User} may not subscribe to {Topic}; {Unlogged} refusals before it not logged")]
    private static partial void LogRefusedSubscription(ILogger logger, string user, string topic, long unlogged);
}
