namespace CityOps.Grains;

/// <summary>What a device grain did with a batch: every reading is accepted; only newer ones are evaluated.</summary>
[GenerateSerializer, Immutable, Alias("cityops.ingest-result")]
public readonly record struct IngestResult(
    [property: Id(0)] int Accepted,
    [property: Id(1)] int Evaluated,
    [property: Id(2)] int Duplicates,
    [property: Id(3)] int Refused);
