using CityOps.Ingest.Security;
using MQTTnet;

namespace CityOps.Ingest;

/// <summary>How CityOps' own clients reach the broker it reads from: the external one, or the embedded one.</summary>
public static class BrokerConnection
{
    public static MqttClientOptionsBuilder For(MqttOptions options, InternalCredentials internalCredentials)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host ?? "127.0.0.1", options.Host is null ? options.EmbeddedPort : options.Port);
        if (options.Username is not null)
        {
            builder.WithCredentials(options.Username, options.Password);
        }
        else if (options.Host is null)
        {
            // On the embedded broker CityOps' own clients always identify themselves, on an open broker too: their
            // client ids are then theirs alone, and no anonymous client can take over their sessions.
            builder.WithCredentials(internalCredentials.Username, internalCredentials.Password);
        }

        if (options.Host is not null && options.UseTls)
        {
            builder.WithTlsOptions(tls => tls.UseTls());
        }

        return builder;
    }

    public static string Endpoint(MqttOptions options) => $"{options.Host ?? "127.0.0.1"}:{(options.Host is null ? options.EmbeddedPort : options.Port)}";
}
