namespace CityOps.Ingest.Parsing;

/// <summary>
/// One rejected message, or one rejected element of a gateway batch.
/// </summary>
/// <param name="Reason">Metric label source, see <see cref="RejectReasons.Label"/>.</param>
/// <param name="Message">Human-readable explanation for the dead-letter topic, e.g. <c>metrics.depth_cm: expected a number, got a string</c>.</param>
/// <param name="Index">Zero-based element index when the payload is a batch array and only that element was rejected; null when the whole message was rejected.</param>
public readonly record struct ParseError(RejectReason Reason, string Message, int? Index);
