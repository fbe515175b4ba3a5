namespace CityOps.LoadTest;

/// <summary>
/// Publishes the synthetic city's readings over several MQTT connections at a steady total rate. A QoS 1 reading counts
/// as sent once the broker acknowledged it (from then on it must not be lost).
/// </summary>
public interface IReadingPublisher : IAsyncDisposable
{
    long Sent { get; }

    long Failed { get; }

    /// <summary>Opens the connections (<c>--connections</c> of them).</summary>
    Task ConnectAsync();

    /// <summary>One reading from every device (the warm-up), spread over the connections.</summary>
    Task PublishEveryDeviceOnceAsync(CancellationToken cancellationToken);

    /// <summary>Publishes at <paramref name="rate"/> readings/s for the duration; returns the rate achieved.</summary>
    Task<double> RunAsync(int rate, TimeSpan duration, CancellationToken cancellationToken);

    static IReadingPublisher Create(LoadOptions options, SyntheticCity city) =>
        options.Raw ? new RawPublisher(options, city) : new Publisher(options, city);
}
