namespace CityOps.Ingest.Parsing;

/// <summary>
/// Why a telemetry message (or one element of a gateway batch) was refused.
/// Each value maps to one <c>reason</c> label of <c>cityops_ingest_rejected_total</c> via <see cref="RejectReasons.Label"/>.
/// </summary>
public enum RejectReason
{
    BadTopic,
    UnknownKind,
    TooLarge,
    NotJson,
    BadShape,
    BadType,
    NotFinite,
    BadTimestamp,
    FutureTimestamp,
    Empty,
}
