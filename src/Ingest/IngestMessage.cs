using CityOps.Grains;
using CityOps.Ingest.Edge;

namespace CityOps.Ingest;

/// <summary>
/// One MQTT message's readings on their way to the device grains, with the acknowledgement to
/// send once every one of them is accepted (null for QoS 0), and the connection it is written to when that connection's
/// writes can be held (the dispatcher holds it while it acknowledges a round, so the round's acknowledgements leave in
/// one socket send).
/// </summary>
public sealed record IngestMessage(IReadOnlyList<Reading> Readings, Func<CancellationToken, Task>? Acknowledge, CoalescingWriteStream? Connection = null);
