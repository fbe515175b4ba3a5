using System.Collections.Immutable;

namespace CityOps.Grains;

/// <summary>
/// What a device grain did with a batch: every reading of its kind is accepted; only newer ones are
/// evaluated (<see cref="Duplicates"/>: redelivered or late; <see cref="Ahead"/>: stamped too far ahead).
/// <see cref="Placements"/> has one entry per reading, in order: where an accepted reading is stored (the caller
/// holds the readings and stores them before it acknowledges the messages), null for a refused one.
/// </summary>
[GenerateSerializer, Immutable, Alias("cityops.ingest-result")]
public sealed record IngestResult(
    [property: Id(0)] int Accepted,
    [property: Id(1)] int Evaluated,
    [property: Id(2)] int Duplicates,
    [property: Id(3)] int Refused,
    [property: Id(5)] ImmutableArray<ReadingPlacement?> Placements, // Id 4 (the readings handed back) is retired
    [property: Id(6)] int Ahead = 0,
    [property: Id(7)] string? RefusedReason = null); // why the (last) refused reading was refused
