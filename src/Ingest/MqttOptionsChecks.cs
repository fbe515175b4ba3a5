using CityOps.Grains.Configuration;
using CityOps.Ingest.Edge;

namespace CityOps.Ingest;

/// <summary>
/// The start-up rules of <c>CityOps:Mqtt</c> (<see cref="MqttOptions"/>), kept beside the class rather than in it so new
/// MQTT settings add their rule here, one line each.
/// </summary>
public static class MqttOptionsChecks
{
    public const string Section = "CityOps:Mqtt";

    public static void Check(MqttOptions o, OptionsProblems problems)
    {
        problems.Require(o.Port is > 0 and <= 65535, nameof(o.Port), o.Port, "must be a port, 1-65535");
        problems.Require(o.EmbeddedPort is > 0 and <= 65535, nameof(o.EmbeddedPort), o.EmbeddedPort, "must be a port, 1-65535");
        problems.Require(o.TlsPort is null or > 0 and <= 65535, nameof(o.TlsPort), o.TlsPort, "must be a port, 1-65535");
        problems.Require(o.TlsPort is null || !string.IsNullOrEmpty(o.CertificatePath), nameof(o.CertificatePath), o.CertificatePath, "is required with TlsPort (a .pfx with the private key)");
        problems.Require(o.ChannelCapacity > 0, nameof(o.ChannelCapacity), o.ChannelCapacity, "must be positive");
        problems.Require(o.BatchSize > 0, nameof(o.BatchSize), o.BatchSize, "must be positive");
        problems.Require(o.ReceiveMaximum > 0, nameof(o.ReceiveMaximum), o.ReceiveMaximum, "must be positive");
        problems.Require(o.SessionExpiry >= TimeSpan.Zero, nameof(o.SessionExpiry), o.SessionExpiry, "must not be negative");
        problems.Require(ListenAddresses.TryResolve(ListenAddresses.Effective(o), out _, out _), nameof(o.EmbeddedBind), o.EmbeddedBind, "must be loopback, any, or IP addresses separated by commas");
        problems.Require(o.MaxConnections > 0, nameof(o.MaxConnections), o.MaxConnections, "must be positive");
        problems.Require(o.MaxPendingConnections > 0, nameof(o.MaxPendingConnections), o.MaxPendingConnections, "must be positive");
        problems.Require(o.ConnectTimeout > TimeSpan.Zero && o.ConnectTimeout <= TimeSpan.FromMinutes(5), nameof(o.ConnectTimeout), o.ConnectTimeout, "must be more than 0 and at most 5 minutes (e.g. 00:00:10)");
        problems.Require(o.MaxPacketSize >= 1024, nameof(o.MaxPacketSize), o.MaxPacketSize, "must be at least 1024 bytes (default 73728: the 64 KiB payload of the contract plus headers)");
        problems.Require(o.MaxRetainedMessages >= 0, nameof(o.MaxRetainedMessages), o.MaxRetainedMessages, "must not be negative (0 retains nothing)");
        problems.Require(o.MaxRetainedBytes >= 0, nameof(o.MaxRetainedBytes), o.MaxRetainedBytes, "must not be negative (0 retains nothing)");
        problems.Require(o.MaxConcurrentPasswordChecks > 0, nameof(o.MaxConcurrentPasswordChecks), o.MaxConcurrentPasswordChecks, "must be positive");
        problems.Require(o.MaxQueuedPasswordChecks >= 0, nameof(o.MaxQueuedPasswordChecks), o.MaxQueuedPasswordChecks, "must not be negative");
        problems.Require(o.FreeLoginFailures >= 0, nameof(o.FreeLoginFailures), o.FreeLoginFailures, "must not be negative");
        problems.Require(o.LoginBackoff >= TimeSpan.Zero, nameof(o.LoginBackoff), o.LoginBackoff, "must not be negative");
        problems.Require(o.MaxLoginBackoff >= o.LoginBackoff, nameof(o.MaxLoginBackoff), o.MaxLoginBackoff, "must be at least LoginBackoff");
        problems.Require(o.LoginRefusalDelay >= TimeSpan.Zero && o.LoginRefusalDelay <= TimeSpan.FromSeconds(30), nameof(o.LoginRefusalDelay), o.LoginRefusalDelay, "must be between 0 and 30 seconds (e.g. 00:00:01)");
        problems.Require(o.MaxDelayedRefusals >= 0 && o.MaxDelayedRefusals <= o.MaxConnections, nameof(o.MaxDelayedRefusals), o.MaxDelayedRefusals, "must be between 0 and MaxConnections");
        for (var i = 0; i < o.ServiceClients.Count; i++)
        {
            problems.Require(o.ServiceClients[i].Username.Length > 0, $"ServiceClients:{i}:Username", o.ServiceClients[i].Username, "is required");
            problems.RequireSecret(o.ServiceClients[i].Password.Length >= 12, $"ServiceClients:{i}:Password", o.ServiceClients[i].Password, "must be at least 12 characters");
        }
    }
}
