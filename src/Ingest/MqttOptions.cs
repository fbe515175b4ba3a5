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

    /// <summary>Port of the embedded broker (all interfaces).</summary>
    public int EmbeddedPort { get; set; } = 1883;

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

    /// <summary>How long the broker keeps the session while CityOps is away.</summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Device kinds accepted in topics.</summary>
    public List<string> Kinds { get; set; } = ["manhole", "waterlog", "streetlight", "vehicle"];

    /// <summary>Messages the ingest channel holds before the MQTT side waits (back-pressure).</summary>
    public int ChannelCapacity { get; set; } = 20_000;

    /// <summary>Most messages handed to device grains in one round.</summary>
    public int BatchSize { get; set; } = 2_000;

    /// <summary>Unacknowledged QoS 1 messages the broker may send before waiting for acknowledgements.</summary>
    public ushort ReceiveMaximum { get; set; } = 10_000;

    public string TelemetryFilter => SharedGroup is { Length: > 0 } group ? $"$share/{group}/city/+/+/telemetry" : "city/+/+/telemetry";

    public const string DeadLetterTopic = "cityops/deadletter";
}
