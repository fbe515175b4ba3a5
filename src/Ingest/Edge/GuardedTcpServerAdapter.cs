using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace CityOps.Ingest.Edge;

/// <summary>
/// The embedded broker's TCP (and TLS) listeners, in place of MQTTnet's own: they bind only where
/// <c>EmbeddedBind</c> says, hold at most <c>MaxConnections</c> sockets (the process has a file-handle limit, and
/// 20,000 idle sockets used to end it), close sockets that send no CONNECT within <c>ConnectTimeout</c> (MQTTnet waits
/// 100 s), read no packet larger than <c>MaxPacketSize</c>, and give 3.1.1 clients without a client id one.
/// A socket costs no MQTTnet state (buffers, channel, its CONNECT timer) until its first bytes arrive
/// (<see cref="FirstBytesWait"/>): a flood of idle sockets is accepted and closed without allocating per socket
/// more than its wait, and without an exception when it is closed.
/// </summary>
public sealed partial class GuardedTcpServerAdapter(
    MqttOptions options,
    IReadOnlyList<IPAddress> addresses,
    X509Certificate2? certificate,
    ITelemetryTaker? telemetry,
    TimeProvider time,
    ILogger logger) : IMqttServerAdapter
{
    private readonly ConnectionGate _gate = new(options.MaxConnections, options.MaxPendingConnections, options.ConnectTimeout, time);
    private readonly List<Socket> _listeners = [];
    private Action<Socket, ConnectionTicket, bool>? _serve;
    private CancellationTokenSource? _stopping;
    private IMqttNetLogger _mqttLogger = MqttNetNullLogger.Instance;

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <summary>Sockets held now (pending and connected).</summary>
    public int OpenConnections => _gate.Open;

    public Task StartAsync(MqttServerOptions serverOptions, IMqttNetLogger mqttLogger)
    {
        _mqttLogger = mqttLogger;
        _serve = Serve;
        _stopping = new CancellationTokenSource();
        Listen(options.EmbeddedPort, tls: false);
        if (certificate is not null && options.TlsPort is { } tlsPort)
        {
            Listen(tlsPort, tls: true);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync()
    {
        if (_stopping is not null)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        _listeners.Clear();
    }

    public void Dispose()
    {
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        _gate.Dispose();
        _stopping?.Dispose();
    }

    private void Listen(int port, bool tls)
    {
        var bound = 0;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                if (address.Equals(IPAddress.IPv6Any))
                {
                    socket.DualMode = true;
                }

                socket.Bind(new IPEndPoint(address, port));
                socket.Listen(512);
            }
            catch (SocketException ex) when (addresses.Count > 1 && address.Equals(IPAddress.IPv6Loopback))
            {
                // A host without IPv6 still serves loopback on 127.0.0.1.
                socket.Dispose();
                LogBindSkipped(logger, address.ToString(), port, ex.Message);
                continue;
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            _listeners.Add(socket);
            bound++;
            _ = AcceptAsync(socket, tls, _stopping!.Token);
        }

        if (bound == 0)
        {
            throw new InvalidOperationException($"The embedded MQTT broker could not listen on port {port} at {string.Join(", ", addresses)}.");
        }
    }

    private async Task AcceptAsync(Socket listener, bool tls, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Out of file handles, or a peer gone before accept: keep serving the connections we have.
                LogAcceptFailed(logger, ex.SocketErrorCode.ToString());
                await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            // Closed with a reset, not a FIN: no TIME_WAIT left behind for the sockets refused, evicted or timed out.
            client.LingerState = new LingerOption(true, 0);
            var ticket = _gate.TryAdmit(client.Dispose);
            if (ticket is null)
            {
                IngestMetrics.MqttRefused.WithLabels("too_many_connections").Inc();
                client.Dispose();
                continue;
            }

            FirstBytesWait.Start(client, ticket, tls, _serve!);
        }
    }

    // Off the accept loop and the I/O thread that saw the first bytes.
    private void Serve(Socket client, ConnectionTicket ticket, bool tls) =>
        _ = Task.Run(() => ServeAsync(client, ticket, tls), CancellationToken.None);

    private async Task ServeAsync(Socket client, ConnectionTicket ticket, bool tls)
    {
        using (ticket)
        {
            Stream? stream = null;
            try
            {
                client.NoDelay = true;
                var remote = client.RemoteEndPoint;
                var local = client.LocalEndPoint;
                stream = new NetworkStream(client, ownsSocket: true);
                if (tls)
                {
                    var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                    stream = ssl;
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                    {
                        ServerCertificate = certificate,
                        EnabledSslProtocols = SslProtocols.None,
                        EncryptionPolicy = EncryptionPolicy.RequireEncryption,
                    }, ticket.ConnectDeadline).ConfigureAwait(false);
                }

                // The answers to a burst of publishes leave in one send (under TLS, in one record).
                stream = new CoalescingWriteStream(stream, holdWhileReading: true);
                stream = new PacketSizeGuardStream(stream, options.MaxPacketSize, size =>
                {
                    IngestMetrics.MqttRefused.WithLabels("packet_too_large").Inc();
                    LogPacketTooLarge(logger, remote?.ToString() ?? "?", size, options.MaxPacketSize);
                });
                if (ClientHandler is { } handler)
                {
                    var channel = new MqttTcpChannel(stream, local, remote, null);
                    var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(4096, 65535));
                    using var adapter = new GuardedChannelAdapter(new MqttChannelAdapter(channel, formatter, _mqttLogger), ticket, telemetry, time);
                    await handler(adapter).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or AuthenticationException)
            {
                // A socket that went away, timed out in its TLS handshake, or was evicted: nothing to tell anyone.
            }
            catch (Exception ex)
            {
                LogConnectionFailed(logger, ex);
            }
            finally
            {
                if (stream is not null)
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                }

                client.Dispose();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded MQTT broker: not listening on {Address} port {Port}: {Reason}")]
    private static partial void LogBindSkipped(ILogger logger, string address, int port, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded MQTT broker: accepting a connection failed ({Error}); still serving the others")]
    private static partial void LogAcceptFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded MQTT broker: closed the connection from {Endpoint}: a packet of {Size} bytes is over CityOps:Mqtt:MaxPacketSize ({Max})")]
    private static partial void LogPacketTooLarge(ILogger logger, string endpoint, long size, int max);

    [LoggerMessage(Level = LogLevel.Error, Message = "Embedded MQTT broker: a connection failed")]
    private static partial void LogConnectionFailed(ILogger logger, Exception exception);
}
