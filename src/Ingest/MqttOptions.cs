namespace CityOps.Ingest;

/// <summary><c>CityOps:Mqtt</c>: where readings come from.</summary>
public sealed class MqttOptions
{
    /// <summary>External broker host; when set, the embedded broker is not started.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 1883;

    public string? Username { get; set; }

    public string? Password { get; set; }

    public bool UseTls { get; set; }

    /// <summary>Subscribe as <c>$share/{group}/city/+/+/telemetry</c> so several nodes split the load.</summary>
    public string? SharedGroup { get; set; }

    /// <summary>Port of the embedded broker.</summary>
    public int EmbeddedPort { get; set; } = 1883;

    /// <summary>
    /// Where the embedded broker listens: <c>loopback</c> (127.0.0.1 and ::1), <c>any</c> (every interface, IPv4 and
    /// IPv6), or comma-separated IP addresses. Unset: loopback while anyone may connect (<see cref="RequireAuth"/> off),
    /// every interface once only registered devices may.
    /// </summary>
    public string? EmbeddedBind { get; set; }

    /// <summary>Most TCP connections the embedded broker holds at once (each is a file handle; keep well below <c>ulimit -n</c>).</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>
    /// Most connections that have not yet completed CONNECT. A new socket beyond this closes the oldest such one, so a flood
    /// of idle sockets cannot lock real devices out.
    /// </summary>
    public int MaxPendingConnections { get; set; } = 1_000;

    /// <summary>How long a socket may take to send CONNECT (and finish its TLS handshake) before it is closed.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest MQTT packet (bytes, fixed header included) the embedded broker reads; a larger one closes the connection.</summary>
    public int MaxPacketSize { get; set; } = DefaultMaxPacketSize;

    /// <summary>Most retained messages the embedded broker keeps (telemetry is never retained: it is consumed).</summary>
    public int MaxRetainedMessages { get; set; } = 10_000;

    /// <summary>Most bytes of retained payload the embedded broker keeps.</summary>
    public long MaxRetainedBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Device password checks (PBKDF2) running at once; the rest wait in line, so guessing cannot take every core.</summary>
    public int MaxConcurrentPasswordChecks { get; set; } = 1;

    /// <summary>Password checks that may wait in line; beyond that a connection is refused as "server busy" at once.</summary>
    public int MaxQueuedPasswordChecks { get; set; } = 64;

    /// <summary>Wrong passwords an identity (username) or a client address may try before it must wait (<see cref="LoginBackoff"/>).</summary>
    public int FreeLoginFailures { get; set; } = 3;

    /// <summary>The first wait after <see cref="FreeLoginFailures"/>; doubled with every further failure up to <see cref="MaxLoginBackoff"/>.</summary>
    public TimeSpan LoginBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxLoginBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a connection refused for its credentials (wrong password, backoff, server busy) waits for its CONNACK, so
    /// a guesser guesses once per delay per connection; zero answers at once.
    /// </summary>
    public TimeSpan LoginRefusalDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most refusals held back by <see cref="LoginRefusalDelay"/> at once (each holds a socket); the rest are answered at once.</summary>
    public int MaxDelayedRefusals { get; set; } = 256;

    /// <summary>
    /// The embedded broker accepts only registered devices (username = device id, password = its secret),
    /// each publishing and subscribing only under its own <c>city/{kind}/{id}/</c>, and the service clients.
    /// </summary>
    public bool RequireAuth { get; set; }

    /// <summary>Gateways, simulators and other systems allowed on the embedded broker with full rights.</summary>
    public List<Security.ServiceClient> ServiceClients { get; set; } = [];

    /// <summary>Port of the embedded broker's TLS listener (MQTT over TLS, usually 8883); needs <see cref="CertificatePath"/>.</summary>
    public int? TlsPort { get; set; }

    /// <summary>PKCS#12 (.pfx/.p12) file with the TLS listener's certificate and private key.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>The ingest client's id; fixed so the broker keeps its session (and unacknowledged QoS 1 messages) across restarts.</summary>
    public string? ClientId { get; set; }

    /// <summary>The ingest client's id in use: <see cref="ClientId"/>, or <c>cityops-{machine}</c>. In a cluster it is also the node's silo name, so a surviving node knows which session a dead one left at the broker.</summary>
    public string EffectiveClientId => ClientId is { Length: > 0 } id ? id : $"cityops-{Environment.MachineName}".ToLowerInvariant();

    /// <summary>How long the broker keeps the session while CityOps is away.</summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Messages the ingest channel holds before the MQTT side waits (back-pressure).</summary>
    public int ChannelCapacity { get; set; } = 20_000;

    /// <summary>Most messages handed to device grains in one round.</summary>
    public int BatchSize { get; set; } = 2_000;

    /// <summary>Unacknowledged QoS 1 messages the broker may send before waiting for acknowledgements.</summary>
    public ushort ReceiveMaximum { get; set; } = 10_000;

    public string TelemetryFilter => SharedGroup is { Length: > 0 } group ? $"$share/{group}/city/+/+/telemetry" : "city/+/+/telemetry";

    public const string DeadLetterTopic = "cityops/deadletter";

    /// <summary>The contract's 64 KiB payload plus room for the topic, properties and headers.</summary>
    public const int DefaultMaxPacketSize = 72 * 1024;
}
