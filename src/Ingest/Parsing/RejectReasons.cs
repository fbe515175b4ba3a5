namespace CityOps.Ingest.Parsing;

public static class RejectReasons
{
    /// <summary>Every reason, so metric label sets can be created up front and show zeros.</summary>
    public static IReadOnlyList<RejectReason> All { get; } = Enum.GetValues<RejectReason>();

    /// <summary>The snake_case value used as the Prometheus <c>reason</c> label and in dead letters.</summary>
    public static string Label(RejectReason reason) => reason switch
    {
        RejectReason.BadTopic => "bad_topic",
        RejectReason.UnknownKind => "unknown_kind",
        RejectReason.TooLarge => "too_large",
        RejectReason.NotJson => "not_json",
        RejectReason.BadShape => "bad_shape",
        RejectReason.BadType => "bad_type",
        RejectReason.NotFinite => "not_finite",
        RejectReason.BadTimestamp => "bad_timestamp",
        RejectReason.FutureTimestamp => "future_timestamp",
        RejectReason.Empty => "empty",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Unknown reject reason."),
    };
}
