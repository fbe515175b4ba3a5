using CityOps.Grains;

namespace CityOps.Ingest;

/// <summary>
/// One MQTT message's readings on their way to the device grains, with the acknowledgement to
/// send once every one of them is accepted (null for QoS 0).
/// </summary>
public sealed record IngestMessage(IReadOnlyList<Reading> Readings, Func<CancellationToken, Task>? Acknowledge);
