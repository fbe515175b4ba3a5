using System.Collections.Immutable;

namespace CityOps.Grains;

/// <summary>
/// What a device grain did with a batch: every reading of its kind is accepted; only newer ones are
/// evaluated. <see cref="Points"/> are the accepted readings for time-series storage, handed back so
/// the node that received them from MQTT stores them before it acknowledges the messages.
/// </summary>
[GenerateSerializer, Immutable, Alias("cityops.ingest-result")]
public sealed record IngestResult(
    [property: Id(0)] int Accepted,
    [property: Id(1)] int Evaluated,
    [property: Id(2)] int Duplicates,
    [property: Id(3)] int Refused,
    [property: Id(4)] ImmutableArray<TelemetryPoint> Points);
