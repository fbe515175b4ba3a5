using System.Security.Cryptography.X509Certificates;
using CityOps.Ingest.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Server;

namespace CityOps.Ingest;

/// <summary>
/// The MQTTnet broker a single node runs when no external broker is configured, so that
/// <c>dotnet run --project src/Api</c> is a whole system. Devices and the ingest client both use it.
/// With <c>RequireAuth</c> it admits only registered devices and service clients (<see cref="BrokerAuthorizer"/>);
/// with <c>TlsPort</c> and a certificate it also listens for MQTT over TLS.
/// </summary>
public sealed partial class EmbeddedBroker(IOptions<MqttOptions> options, BrokerAuthorizer authorizer, ILogger<EmbeddedBroker> logger) : IHostedService, IDisposable
{
    private MqttServer? _server;
    private X509Certificate2? _certificate;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var builder = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointPort(o.EmbeddedPort)
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(100_000);
        if (o.TlsPort is { } tlsPort)
        {
            _certificate = X509CertificateLoader.LoadPkcs12FromFile(
                o.CertificatePath ?? throw new InvalidOperationException("CityOps:Mqtt:TlsPort needs CityOps:Mqtt:CertificatePath (a .pfx with the private key)."),
                o.CertificatePassword);
            builder.WithEncryptedEndpoint().WithEncryptedEndpointPort(tlsPort).WithEncryptionCertificate(_certificate);
        }

        _server = new MqttServerFactory().CreateMqttServer(builder.Build());
        _server.ValidatingConnectionAsync += authorizer.ValidateConnectionAsync;
        _server.InterceptingPublishAsync += authorizer.InterceptPublishAsync;
        _server.InterceptingSubscriptionAsync += authorizer.InterceptSubscriptionAsync;
        await _server.StartAsync().ConfigureAwait(false);
        LogStarted(logger, o.EmbeddedPort, o.TlsPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "off",
            o.RequireAuth ? "registered devices and service clients only" : "anyone (set CityOps:Mqtt:RequireAuth=true in production)");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.StopAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _server?.Dispose();
        _certificate?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker listening on port {Port} (TLS: {TlsPort}); admits {Who}. Set CityOps:Mqtt:Host to use an external broker")]
    private static partial void LogStarted(ILogger logger, int port, string tlsPort, string who);
}
