using System.Threading.Channels;

namespace CityOps.Ingest;

/// <summary>
/// The one bounded queue between the MQTT edge and the device grains. When it is full the MQTT
/// connection that read the message waits: it stops reading its socket, and the broker holds the rest: memory stays
/// bounded at any load.
/// </summary>
public sealed class IngestChannel
{
    private readonly Channel<IngestMessage> _channel;

    public IngestChannel(int capacity)
    {
        _channel = Channel.CreateBounded<IngestMessage>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    public ChannelWriter<IngestMessage> Writer => _channel.Writer;

    public ChannelReader<IngestMessage> Reader => _channel.Reader;
}
