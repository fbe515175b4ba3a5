using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Server;

namespace CityOps.Ingest;

/// <summary>
/// The MQTTnet broker a single node runs when no external broker is configured, so that
/// <c>dotnet run --project src/Api</c> is a whole system. Devices and the ingest client both use it.
/// </summary>
public sealed partial class EmbeddedBroker(IOptions<MqttOptions> options, ILogger<EmbeddedBroker> logger) : IHostedService, IDisposable
{
    private MqttServer? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var port = options.Value.EmbeddedPort;
        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointPort(port)
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(100_000)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions);
        _server.ValidatingConnectionAsync += AssignClientId;
        await _server.StartAsync().ConfigureAwait(false);
        LogStarted(logger, port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.StopAsync().ConfigureAwait(false);
        }
    }

    public void Dispose() => _server?.Dispose();

    // MQTT allows a client to connect without an id (mosquitto_pub, many small devices do);
    // the broker then assigns one.
    private static Task AssignClientId(ValidatingConnectionEventArgs e)
    {
        if (string.IsNullOrEmpty(e.ClientId))
        {
            e.AssignedClientIdentifier = "auto-" + Guid.NewGuid().ToString("N");
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker listening on port {Port} (set CityOps:Mqtt:Host to use an external broker)")]
    private static partial void LogStarted(ILogger logger, int port);
}
