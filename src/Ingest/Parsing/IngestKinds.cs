namespace CityOps.Ingest.Parsing;

/// <summary>
/// What ingest knows of the device kinds (the node's kind catalog, mapped by the host): the kinds accepted in topics.
/// A metric's physical range is not checked here: a value outside it reaches the device, where it is no value for the
/// rules and a <c>range:</c> rule raises a sensor fault (docs/alarms.md). Immutable, shared by every ingest thread.
/// </summary>
public sealed class IngestKinds(IEnumerable<string> kinds)
{
    /// <summary>The contract's four kinds.</summary>
    public static IngestKinds Default { get; } = new(TopicParser.DefaultKinds);

    public IReadOnlyList<string> Names { get; } = [.. kinds];
}
